package io.infnet.jobs.sim;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import io.infnet.features.spark.Delta;
import io.infnet.jobs.sim.DagRun.State;
import io.infnet.jobs.sim.NightlySimulation.Night;
import io.infnet.jobs.sim.NightlySimulation.Retrain;
import io.infnet.lake.LakePaths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a finished {@link NightlySimulation} must show (issue 9, item 6): one predictions partition per scored day
 * holding exactly its candidates (no duplicates), each day scored by the model that was production that night, the
 * worse retrain refused, every gated decision recorded and consistent with its metrics, and the bad deliveries handled
 * as docs/DATA_POLICY.md says.
 */
public final class SimulationChecks {
  /** One check: a name, whether it holds, and what was seen. */
  public record Check(String name, boolean ok, String detail) {
    @Override
    public String toString() {
      return (ok ? "ok    " : "FAILED ") + name + ": " + detail;
    }
  }

  private static final List<String> KEYS = List.of("user_id", "video_id", "time_ms");
  private final SparkSession spark;
  private final NightlySimulation sim;
  private final LakePaths lake;

  public SimulationChecks(SparkSession spark, NightlySimulation sim) {
    this.spark = spark;
    this.sim = sim;
    this.lake = LakePaths.of(sim.config());
  }

  public List<Check> all() {
    List<Check> checks = new ArrayList<>();
    checks.add(everyNightRan());
    checks.add(onePartitionPerScoredDay());
    checks.add(exactlyTheCandidates());
    checks.add(scoredByThatNightsProduction());
    checks.add(worseRetrainRefused());
    checks.add(decisionsMatchTheirMetrics());
    checks.addAll(badDeliveries());
    return checks;
  }

  /** "nightly simulation: PASS (12 checks)" or "nightly simulation: FAIL (2 of 12 checks: a, b)". */
  public static String verdict(List<Check> checks) {
    List<String> failed = checks.stream().filter(c -> !c.ok()).map(Check::name).toList();
    return failed.isEmpty() ? "nightly simulation: PASS (" + checks.size() + " checks)"
        : "nightly simulation: FAIL (" + failed.size() + " of " + checks.size() + " checks: " + String.join(", ", failed) + ")";
  }

  /** Count and order-independent hash of a Delta table's rows (without {@code except} columns). */
  public static String digest(SparkSession spark, String path, String... except) {
    Dataset<Row> rows = Delta.read(spark, path).drop(except);
    Column[] all = Arrays.stream(rows.columns()).map(c -> col(c)).toArray(Column[]::new);
    Row r = rows.agg(count(lit(1)), sum(xxhash64(all).cast("decimal(38,0)"))).first();
    return r.getLong(0) + " rows #" + r.get(1);
  }

  /** Every task of every run succeeded, except the missing day's ingest (after its retries) and what depends on it. */
  Check everyNightRan() {
    List<String> unexpected = new ArrayList<>();
    for (Night n : sim.nights()) {
      boolean missing = n == firstRun(sim.scenario().missingNight());
      n.outcomes().values().forEach(o -> {
        boolean expectedFailure = missing && !o.taskId().equals("score_candidates");
        if ((o.state() != State.SUCCESS) != expectedFailure) unexpected.add(n.label() + " " + o.taskId() + " " + o.state());
      });
    }
    unexpected.removeIf(s -> s.contains(" promote FAILED")); // a refused promotion is a decision: checked below
    return new Check("every night ran", unexpected.isEmpty(), unexpected.isEmpty() ? sim.nights().size() + " DAG runs" : unexpected.toString());
  }

  Check onePartitionPerScoredDay() {
    List<String> dates = Delta.read(spark, lake.candidatePredictions()).select("date").distinct().orderBy("date")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
    List<String> expected = new ArrayList<>(new TreeMap<>(sim.scoredWith()).keySet());
    return new Check("one predictions partition per scored day", dates.equals(expected), dates.size() + " days: " + dates);
  }

  /** The predictions' keys are exactly the scored candidates' keys, each as often: none lost, none duplicated. */
  Check exactlyTheCandidates() {
    Dataset<Row> written = Delta.read(spark, lake.candidatePredictions()).groupBy(keyColumns()).count();
    List<String> days = new ArrayList<>(new TreeMap<>(sim.scoredWith()).keySet());
    Dataset<Row> candidates = spark.read().parquet(days.stream().map(d -> sim.landing().file(d, "candidates").toString()).toArray(String[]::new))
        .groupBy(keyColumns()).count();
    long extra = written.exceptAll(candidates).count(), missing = candidates.exceptAll(written).count();
    long rows = written.agg(sum("count")).first().getLong(0);
    return new Check("no duplicate or missing prediction", extra == 0 && missing == 0,
        rows + " predictions; key counts differing from the candidates: " + extra + " extra, " + missing + " missing");
  }

  Check scoredByThatNightsProduction() {
    Map<String, Integer> seen = new TreeMap<>();
    for (Row r : Delta.read(spark, lake.candidatePredictions()).groupBy("date").agg(countDistinct("model_version"),
        org.apache.spark.sql.functions.max("model_version")).collectAsList()) {
      seen.put(r.getString(0), r.getLong(1) == 1 ? r.getInt(2) : (int) -r.getLong(1)); // negative: that many versions
    }
    Map<String, Integer> expected = new TreeMap<>(sim.scoredWith());
    return new Check("each day scored by that night's production model", seen.equals(expected), "versions by day " + seen
        + (seen.equals(expected) ? "" : ", expected " + expected));
  }

  Check worseRetrainRefused() {
    List<Retrain> worse = sim.retrains().stream().filter(Retrain::worse).toList();
    boolean ok = !worse.isEmpty() && worse.stream().allMatch(r -> r.run().outcome("promote").state() == State.FAILED
        && r.productionAfter().equals(r.run().productionBefore()) && decision(r.candidateVersion()).filter(d -> !d.<Boolean>getAs("promoted")).isPresent());
    return new Check("the worse retrain is not promoted", ok, worse.stream().map(r -> "v" + r.candidateVersion() + ": promote "
        + r.run().outcome("promote").state() + ", production " + r.run().productionBefore() + " -> " + r.productionAfter()).toList().toString());
  }

  /** Each weekly retrain's gated decision is in the promotions table, promoted exactly when no task's AUC dropped too much. */
  Check decisionsMatchTheirMetrics() {
    List<String> wrong = new ArrayList<>(), seen = new ArrayList<>();
    for (Retrain r : sim.retrains()) {
      Optional<Row> d = decision(r.candidateVersion());
      if (d.isEmpty()) {
        wrong.add("v" + r.candidateVersion() + " has no gated decision");
        continue;
      }
      boolean promoted = d.get().getAs("promoted"), passes = passes(d.get());
      boolean moved = r.productionAfter().equals(Optional.of(r.candidateVersion()));
      seen.add("v" + r.candidateVersion() + (promoted ? " promoted" : " refused"));
      if (promoted != passes || promoted != moved || promoted != (r.run().outcome("promote").state() == State.SUCCESS)) {
        wrong.add("v" + r.candidateVersion() + ": promoted=" + promoted + ", metrics pass=" + passes + ", pointer moved=" + moved);
      }
    }
    return new Check("every gated decision recorded and matching its metrics", wrong.isEmpty() && !seen.isEmpty(),
        wrong.isEmpty() ? seen.toString() : wrong.toString());
  }

  List<Check> badDeliveries() {
    List<Check> checks = new ArrayList<>();
    int missing = sim.scenario().missingNight();
    if (missing > 0) {
      Night first = firstRun(missing), late = sim.runsOf(missing).get(1);
      checks.add(new Check("a missing day: ingest fails after its retries, the next day is scored from older history",
          first.outcome("ingest").attempts() == 1 + first.dag().task("ingest").retries()
              && first.outcome("score_candidates").result().out().contains("STALE"),
          first.outcome("ingest").result().err().strip().lines().findFirst().orElse("")));
      String widened = late.outcome("features").result().out();
      checks.add(new Check("a day delivered late: its features and every later day's are rebuilt",
          widened.contains("features: range widened") && widened.contains("features: built " + sim.day(missing) + ".." + sim.day(missing + 1)),
          widened.lines().filter(l -> l.startsWith("features: built") || l.contains("widened")).toList().toString()));
    }
    if (sim.scenario().deliveredTwice() > 0) {
      List<String> d = sim.rerunDigests();
      checks.add(new Check("a day delivered twice: the rerun leaves the same tables", d.size() == 2 && d.get(0).equals(d.get(1)), d.toString()));
    }
    return checks;
  }

  private Night firstRun(int night) {
    return night == 0 ? null : sim.runsOf(night).get(0);
  }

  private Optional<Row> decision(int candidateVersion) {
    return Delta.read(spark, lake.promotions()).where(col("gated").and(col("candidate_version").equalTo(candidateVersion)))
        .collectAsList().stream().findFirst();
  }

  /** PromotionGate's rule on the recorded metrics: no measured task drops by more than the threshold, one is comparable. */
  private static boolean passes(Row decision) {
    double max = decision.getAs("max_auc_drop");
    List<Row> metrics = decision.getList(decision.fieldIndex("metrics"));
    boolean anyFails = metrics.stream().anyMatch(m -> m.getAs("production_auc") != null
        && (m.getAs("auc_drop") == null || m.<Double>getAs("auc_drop") > max + 1e-12));
    boolean anyComparable = metrics.stream().anyMatch(m -> m.getAs("auc_drop") != null);
    return !anyFails && anyComparable;
  }

  private static Column[] keyColumns() {
    return KEYS.stream().map(c -> col(c)).toArray(Column[]::new); // the candidates' date is yyyyMMdd, the predictions' yyyy-MM-dd
  }
}
