package io.infnet.jobs.sim;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.choices.Split;
import io.infnet.features.spark.SparkSessions;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.sim.SimulationChecks.Check;
import io.infnet.lake.LakePaths;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 6: 15 simulated nights after 10 days of history, every command the DAG files render executed in DAG
 * order (in this JVM through {@code Main.run}, all in one Spark session), two weekly retrains (the first deliberately
 * worse, refused; the second gated against the production it left, promoted, and night 15 scored with it), a day
 * missing then delivered late, a day delivered twice. {@code bench/nightly-simulation} runs {@link Scenario#standard}
 * (21 nights, three retrains) at a larger scale with real processes.
 */
class NightlySimulationTest {
  private static final Path PROJECT = Path.of(System.getProperty("infnet.project.dir", "..")).toAbsolutePath().normalize();
  /** One epoch: no check is about accuracy beyond the gate, and week 2's model (24 days) beats the bootstrap's (8). */
  private static final Map<String, String> SMALL = Map.ofEntries(Map.entry("spark.master", "local[2]"),
      Map.entry("spark.shuffle_partitions", "2"), Map.entry("datagen.users", "120"), Map.entry("datagen.videos", "100"),
      Map.entry("features.sequence_max_length", "8"), Map.entry("model.dim", "8"), Map.entry("model.tower_hidden", "8"),
      Map.entry("train.batch_size", "128"), Map.entry("train.epochs", "1"), Map.entry("train.warmup_steps", "0"),
      Map.entry("train.learning_rate", "0.01"));

  /**
   * Every kind of night of {@link Scenario#standard} in two weeks and a night: users on night 2, night 3 missing (late
   * after night 4), night 5 twice, week 1's retrain the worse one, and night 15 scored by week 2's promoted model.
   */
  private static final Scenario TWO_WEEKS = new Scenario(10, 15, 3, 5, 2, 1);

  @TempDir static Path work;

  @Test
  void twoWeeksOfNightsOfTheDagsKeepTheLakeConsistent() {
    long t0 = System.nanoTime();
    NightlySimulation sim = SimulationSetup.prepare(PROJECT, work, SMALL, TWO_WEEKS, CommandRunner.inProcess(), "local[2]", System.out);
    sim.bootstrap();
    assertReadingSplitsEqualTheBuildsSplitColumn(sim);
    sim.runNights();

    SparkSession spark = SparkSessions.getOrCreate(sim.config(), "nightly-simulation-checks");
    List<Check> checks = new SimulationChecks(spark, sim).all();
    checks.forEach(System.out::println);
    System.out.printf("nightly simulation: %.1f min%n", (System.nanoTime() - t0) / 60e9);
    assertEquals(List.of(), checks.stream().filter(c -> !c.ok()).map(Check::toString).toList(), SimulationChecks.verdict(checks));
    assertEquals(19, sim.nights().size(), "15 nights, 2 reruns, 2 retrains");
    assertEquals(List.of(true, false), sim.retrains().stream().map(NightlySimulation.Retrain::worse).toList());
    assertEquals(List.of(false, true), sim.retrains().stream()
        .map(r -> r.productionAfter().equals(java.util.Optional.of(r.candidateVersion()))).toList(), "the good retrain promoted, the worse not");
    assertEquals(List.of("v2 after v1", "v3 after v1"), sim.retrains().stream()
        .map(r -> "v" + r.candidateVersion() + " after v" + r.run().productionBefore().orElseThrow()).toList(),
        "week 2 starts with production still the bootstrap's v1: the refused v2 is only the latest version");
    assertEquals(3, sim.scoredWith().get(sim.day(16).toString()), "night 15 scores day 16 with the model promoted on night 14");
    assertTrue(sim.runsOf(2).get(0).outcome("ingest").result().out().contains("users 0 inserted"),
        "the users night MERGEs the delivered users");
    assertTrue(sim.runsOf(1).get(0).outcome("ingest").result().out().contains("not delivered (--optional-profiles)"));
  }

  /** The session the simulation's commands shared (left running by each of them), stopped even when a check failed. */
  @AfterAll
  static void stopSharedSession() {
    if (SparkSession.getDefaultSession().isDefined()) SparkSession.getDefaultSession().get().stop();
  }

  /**
   * With the build's split keys (no train_start, no test_end) the reading jobs' date rule selects exactly the rows of
   * the stored split column, so a model trained before the rule changed reads the same rows.
   */
  private static void assertReadingSplitsEqualTheBuildsSplitColumn(NightlySimulation sim) {
    SparkSession spark = SparkSessions.getOrCreate(sim.config(), "split-check");
    FeatureSnapshot snapshot = FeatureSnapshot.open(spark, LakePaths.of(sim.config()).features(), sim.config());
    for (Split split : List.of(Split.TRAIN, Split.VALID, Split.TEST)) {
      Dataset<Row> stored = snapshot.table().where(col("split").equalTo(split.configName()));
      Dataset<Row> byDate = snapshot.split(split);
      long rows = stored.count();
      assertTrue(rows > 0, split + " is not empty");
      assertEquals(rows, byDate.count(), split.toString());
      assertEquals(0, stored.exceptAll(byDate).count(), split + ": the same rows, the same split value");
    }
  }
}
