package io.infnet.jobs.promote;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.Split;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.eval.EvaluationRun;
import io.infnet.jobs.eval.TaskMetrics;
import io.infnet.jobs.registry.ModelStore;
import io.infnet.jobs.score.ScoringModel;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Decides whether a candidate version may replace production. Both are measured by the evaluator {@code evaluate}
 * uses, on the same rows: one split ({@code promote.split}) of one pinned feature-table version, read once, so a
 * difference in AUC is the models' and not the data's. The candidate passes when no task's AUC is lower than
 * production's by more than {@code promote.max_auc_drop}: a retrain that got worse on any task must not reach the
 * nightly scoring unnoticed, while noise-level differences must not block every retrain.
 */
public final class PromotionGate {
  public static final String NO_PRODUCTION = "no production model";
  public static final String FORCED = "forced, not gated";

  /**
   * AUC of one task on its {@code rows} labelled rows (the same for both models): NaN where undefined (one label class)
   * or missing (the model has no head for the task).
   */
  public record TaskComparison(String task, long rows, double productionAuc, double candidateAuc) {
    /** Production's AUC minus the candidate's: positive when the candidate is worse. */
    public double drop() {
      return productionAuc - candidateAuc;
    }

    /**
     * A task production is measured on fails when the candidate loses more than {@code maxDrop} on it (beyond rounding:
     * 0.7 - 0.698 is not "more than 0.002"), or lacks it.
     */
    boolean fails(double maxDrop) {
      return Double.isFinite(productionAuc) && !(drop() <= maxDrop + 1e-12);
    }

    String describe() {
      return Double.isNaN(candidateAuc) ? task + " has no head in the candidate"
          : String.format(Locale.ROOT, "%s %.4f -> %.4f (drop %.4f)", task, productionAuc, candidateAuc, drop());
    }
  }

  /** The rows a gated decision was made on, the threshold, and per-task AUCs (empty when refused before measuring). */
  public record Comparison(String featuresPath, long featuresVersion, String split, double maxAucDrop, List<TaskComparison> tasks) {
    public Comparison {
      tasks = List.copyOf(tasks);
    }

    Comparison withTasks(List<TaskComparison> measured) {
      return new Comparison(featuresPath, featuresVersion, split, maxAucDrop, measured);
    }
  }

  /** One promotion decision; {@code comparison} is empty for a forced (ungated) promotion. */
  public record Decision(ModelStore.Entry candidate, Optional<ModelStore.Entry> production, boolean promoted, String reason,
      Optional<Comparison> comparison) {

    public static Decision forced(ModelStore.Entry candidate, Optional<ModelStore.Entry> production) {
      return new Decision(candidate, production, true, FORCED, Optional.empty());
    }

    public boolean gated() {
      return comparison.isPresent();
    }
  }

  private final SparkSession spark;
  private final InfnetConfig config;
  private final ModelStore registry;

  public PromotionGate(SparkSession spark, InfnetConfig config, ModelStore registry) {
    this.spark = spark;
    this.config = config;
    this.registry = registry;
  }

  /**
   * Measures {@code candidate} and {@code production} (if any) on the snapshot's {@code promote.split} and decides.
   * A model that does not fit the snapshot (feature schema or vocabulary) is refused with the scoring check's message.
   */
  public Decision decide(ModelStore.Entry candidate, Optional<ModelStore.Entry> production, FeatureSnapshot snapshot)
      throws IOException {
    Split split = config.get(Keys.PROMOTE_SPLIT);
    double maxDrop = config.get(Keys.PROMOTE_MAX_AUC_DROP);
    Comparison unmeasured = new Comparison(snapshot.path(), snapshot.version(), split.configName(), maxDrop, List.of());
    ScoringModel challenger = ScoringModel.read(registry, candidate);
    Optional<ScoringModel> incumbent = production.isPresent() ? Optional.of(ScoringModel.read(registry, production.get())) : Optional.empty();
    Optional<String> misfit = misfit(challenger, incumbent, snapshot);
    if (misfit.isPresent()) return new Decision(candidate, production, false, misfit.get(), Optional.of(unmeasured));

    Comparison measured = unmeasured.withTasks(compare(challenger, incumbent, snapshot.split(split)));
    Optional<String> refusal = incumbent.isEmpty() ? Optional.empty() : refusal(measured);
    String reason = refusal.orElse(incumbent.isEmpty() ? NO_PRODUCTION : "no task's AUC drops by more than promote.max_auc_drop=" + maxDrop);
    return new Decision(candidate, production, refusal.isEmpty(), reason, Optional.of(measured));
  }

  /** Production that no longer fits the rows cannot be compared with: refused too, rather than promoted blind. */
  private static Optional<String> misfit(ScoringModel challenger, Optional<ScoringModel> incumbent, FeatureSnapshot snapshot) {
    Optional<String> own = challenger.misfit(snapshot);
    if (own.isPresent() || incumbent.isEmpty()) return own;
    return incumbent.get().misfit(snapshot)
        .map(p -> "production cannot be measured on these rows, " + p + " (promote without --gate replaces it anyway)");
  }

  /** Both models scored on one cached read of the rows; tasks in production's head order, then the candidate's new ones. */
  private List<TaskComparison> compare(ScoringModel challenger, Optional<ScoringModel> incumbent, Dataset<Row> split) {
    Dataset<Row> rows = split.cache();
    try {
      Map<String, TaskMetrics> candidate = byTask(EvaluationRun.measure(spark, config, challenger, rows));
      Map<String, TaskMetrics> production = incumbent.map(m -> byTask(EvaluationRun.measure(spark, config, m, rows))).orElse(Map.of());
      Set<String> tasks = new LinkedHashSet<>(production.keySet());
      tasks.addAll(candidate.keySet());
      return tasks.stream().map(t -> comparison(t, production.get(t), candidate.get(t))).toList();
    } finally {
      rows.unpersist();
    }
  }

  private static TaskComparison comparison(String task, TaskMetrics production, TaskMetrics candidate) {
    if (production != null && candidate != null && production.rows() != candidate.rows()) {
      throw new IllegalStateException(task + ": production measured on " + production.rows() + " rows, the candidate on "
          + candidate.rows() + ": the gate must compare both on the same rows");
    }
    return new TaskComparison(task, (candidate != null ? candidate : production).rows(),
        production == null ? Double.NaN : production.auc(), candidate == null ? Double.NaN : candidate.auc());
  }

  private static Map<String, TaskMetrics> byTask(List<TaskMetrics> metrics) {
    Map<String, TaskMetrics> out = new LinkedHashMap<>();
    for (TaskMetrics m : metrics) out.put(m.task(), m);
    return out;
  }

  /** Why the candidate is refused against production; empty when it passes. */
  static Optional<String> refusal(Comparison c) {
    List<TaskComparison> failing = c.tasks().stream().filter(t -> t.fails(c.maxAucDrop())).toList();
    if (!failing.isEmpty()) {
      return Optional.of("AUC drops by more than promote.max_auc_drop=" + c.maxAucDrop() + ": "
          + failing.stream().map(TaskComparison::describe).collect(Collectors.joining(", ")));
    }
    if (c.tasks().stream().noneMatch(t -> Double.isFinite(t.drop()))) {
      return Optional.of("no task has both label classes on the " + c.split() + " split: nothing to compare");
    }
    return Optional.empty();
  }
}
