package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.FeatureTables;
import io.infnet.jobs.TrainedLake.Run;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.promote.PromotionGate;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.jobs.registry.ModelStore;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** {@code promote --gate} on copies of the {@link TrainedLake} (v1 untrained, v2 trained). */
class GatedPromotionTest {
  private static final List<String> TASKS = TrainedLake.TASKS;

  @Test
  void withoutProductionTheCandidateIsPromotedAndItsMetricsRecorded() throws Exception {
    Path lake = copy();
    Run gated = promote(lake, "--gate", "--version=1");

    assertEquals(0, gated.code(), gated.all());
    assertEquals("1", production(lake));
    List<Row> log = promotions(lake);
    assertEquals(1, log.size());
    Row d = log.get(0);
    assertTrue(d.<Boolean>getAs("gated") && d.<Boolean>getAs("promoted"));
    assertEquals(PromotionGate.NO_PRODUCTION, d.getAs("reason"));
    assertNull(d.getAs("production_version"));
    assertEquals(System.getProperty("user.name"), d.getAs("decided_by"));
    List<Row> metrics = d.getList(d.fieldIndex("metrics"));
    assertEquals(TASKS, metrics.stream().map(m -> m.<String>getAs("task")).toList());
    for (Row m : metrics) {
      assertNull(m.getAs("production_auc"));
      assertTrue(m.<Double>getAs("candidate_auc") > 0, "the candidate was measured: " + m);
    }
  }

  @Test
  void aCandidateAtLeastAsGoodIsPromotedAndEachDecisionIsRecorded() throws Exception {
    Path lake = copy();
    Run forced = promote(lake, "--version=1");
    Run gated = promote(lake, "--gate", "--version=2");

    assertEquals(0, forced.code(), forced.all());
    assertEquals(0, gated.code(), gated.all());
    assertEquals("2", production(lake), "the pointer moved to the candidate");
    assertTrue(gated.out().contains("production AUC  candidate AUC  change"), gated.out());
    List<Row> log = promotions(lake);
    assertEquals(2, log.size());
    Row force = log.get(0), gate = log.get(1);
    assertFalse(force.<Boolean>getAs("gated"));
    assertEquals(PromotionGate.FORCED, force.getAs("reason"));
    assertTrue(force.getList(force.fieldIndex("metrics")).isEmpty());
    assertNull(force.getAs("features_version"));

    assertTrue(gate.<Boolean>getAs("gated") && gate.<Boolean>getAs("promoted"), gate.toString());
    assertEquals(2, (int) gate.getAs("candidate_version"));
    assertEquals(1, (int) gate.getAs("production_version"));
    for (Row m : gate.<Row>getList(gate.fieldIndex("metrics"))) {
      assertTrue(m.<Double>getAs("auc_drop") <= 0.002, "the trained version is no worse on " + m);
    }
  }

  @Test
  void aWorseCandidateIsRefusedAndProductionStays() throws Exception {
    Path lake = copy();
    promote(lake, "--version=2");
    Run gated = promote(lake, "--gate", "--version=1");

    assertEquals(1, gated.code(), gated.all());
    assertEquals("2", production(lake), "a refused candidate leaves production where it was");
    assertTrue(gated.err().contains("infnet v1 not promoted, production stays v2: AUC drops by more than promote.max_auc_drop=0.002"),
        gated.err());
    assertTrue(gated.out().contains("production AUC  candidate AUC  change"), "the per-task table is printed: " + gated.out());
    Row d = promotions(lake).get(1);
    assertTrue(d.<Boolean>getAs("gated"));
    assertFalse(d.<Boolean>getAs("promoted"));
    assertEquals(2, (int) d.getAs("production_version"));
    String reason = d.getAs("reason");
    List<Row> failing = d.<Row>getList(d.fieldIndex("metrics")).stream().filter(m -> m.<Double>getAs("auc_drop") > 0.002).toList();
    assertFalse(failing.isEmpty(), "some task's drop is recorded: " + d);
    for (Row m : failing) {
      String task = m.getAs("task");
      assertTrue(reason.contains(task + " ") && gated.err().contains(task + " "), "the refusal names " + task + ": " + reason);
      assertEquals(m.<Double>getAs("production_auc") - m.<Double>getAs("candidate_auc"), m.<Double>getAs("auc_drop"), 1e-12);
    }
  }

  /** The table moves on after both models were trained: the gate reads its current version once, for both. */
  @Test
  void bothVersionsAreMeasuredOnTheSameRowsOfOnePinnedFeatureVersion() throws Exception {
    Path lake = copy();
    String features = lake.resolve("features/impressions").toString();
    long trainedOn = FeatureTables.currentVersion(spark(), features);
    spark().sql("DELETE FROM delta.`" + features + "` WHERE split = 'test' AND user_id % 3 = 0");
    long current = FeatureTables.currentVersion(spark(), features);
    promote(lake, "--version=1");
    Run gated = promote(lake, "--gate", "--version=2");

    assertEquals(0, gated.code(), gated.all());
    assertNotEquals(trainedOn, current);
    Row d = promotions(lake).get(1);
    assertEquals(current, (long) d.getAs("features_version"));
    assertTrue(d.<String>getAs("features_path").endsWith("features/impressions"), d.toString());
    assertEquals("test", d.getAs("split"));
    Dataset<Row> test = spark().read().format("delta").option("versionAsOf", current).load(features).where("split = 'test'");
    for (Row m : d.<Row>getList(d.fieldIndex("metrics"))) {
      long labelled = test.where(FeatureSchema.labelColumn(m.getAs("task")) + " IS NOT NULL").count();
      assertEquals(labelled, (long) m.getAs("rows"), "both versions measured on the test rows at version " + current + ": " + m);
    }
  }

  @Test
  void aCandidateThatDoesNotFitTheRowsIsRefusedWithTheScoringCheck() throws Exception {
    Path lake = copy();
    InfnetConfig config = config(lake);
    ModelStore registry = new ModelRegistry(lake.resolve("models").toString(), spark().sparkContext().hadoopConfiguration());
    FeatureSnapshot rebuilt = new OtherVocabulary(FeatureSnapshot.open(spark(), lake.resolve("features/impressions").toString(), config));

    PromotionGate.Decision d = new PromotionGate(spark(), config, registry)
        .decide(registry.resolve("infnet", "2"), registry.production("infnet"), rebuilt);

    assertFalse(d.promoted());
    assertTrue(d.reason().startsWith("model infnet v2 does not fit feature table") && d.reason().contains("vocabulary at ") && d.reason().contains("Delta version 3 (hash 0000-other)"),
        d.reason());
    assertTrue(d.comparison().orElseThrow().tasks().isEmpty(), "nothing scored");
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private static Run promote(Path lake, String... flags) {
    List<String> args = new ArrayList<>(List.of("promote"));
    args.addAll(List.of(flags));
    return TrainedLake.main(lake, args.toArray(String[]::new));
  }

  private static String production(Path lake) {
    return TrainedLake.production(lake);
  }

  private static List<Row> promotions(Path lake) {
    return spark().read().format("delta").load(lake.resolve("promotions").toString()).orderBy("decided_at").collectAsList();
  }

  private static SparkSession spark() {
    return TrainedLake.spark();
  }

  private static Path copy() {
    return TrainedLake.copy();
  }

  private static InfnetConfig config(Path lake) {
    return TrainedLake.config(lake);
  }

  /** The same rows, as if the table had been rebuilt with another vocabulary. */
  private record OtherVocabulary(FeatureSnapshot rows) implements FeatureSnapshot {
    @Override
    public String path() {
      return rows.path();
    }

    @Override
    public long version() {
      return rows.version();
    }

    @Override
    public FeatureSchema schema() {
      return rows.schema();
    }

    @Override
    public IdEncoding encoding() {
      return IdEncoding.of(3, "0000-other", rows.encoding().bucketSplits().deltaVersion(), rows.encoding().bucketSplits().contentHash());
    }

    @Override
    public Dataset<Row> table() {
      return rows.table();
    }

    @Override
    public io.infnet.jobs.data.SplitDates splitDates() {
      return rows.splitDates();
    }
  }
}
