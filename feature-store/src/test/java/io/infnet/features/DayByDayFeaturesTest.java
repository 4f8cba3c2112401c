package io.infnet.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

/**
 * Day-by-day feature builds (docs/FEATURE_TABLES.md, "Day by day"): the same rows as one full build, a late day
 * rebuilt with every later one, and the refusals.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DayByDayFeaturesTest {
  /**
   * The builds of the first test, each {@code from..to}: the first three days at once (no state yet; a range is built as
   * the gap test's first build is), then each later day alone from the state the day before left.
   */
  private static final List<List<String>> BUILDS = List.of(List.of("2022-04-08", "2022-04-10"), List.of("2022-04-11", "2022-04-11"),
      List.of("2022-04-12", "2022-04-12"), List.of("2022-04-13", "2022-04-13"));
  private static SparkSession spark;
  private static InfnetConfig full;
  private static InfnetConfig daily; // built day by day by the first test, kept for the second

  @BeforeAll
  static void buildAtOnce() {
    spark = SparkTestSupport.spark();
    full = SmallLake.copy();
    FeatureBuilder.run(spark, full);
  }

  /**
   * The table built as one range and then day by day, each build from the state the one before left, equals the one
   * built at once.
   */
  @Test
  @Order(1)
  void dayByDayBuildsGiveTheRowsOfOneFullBuild() {
    daily = SmallLake.copyOf(full, List.of("raw", "features/vocabulary", "features/bucket_splits"));
    long previousState = -1;
    for (List<String> build : BUILDS) {
      FeatureBuildResult r = FeatureBuilder.run(spark, daily.with("features.from_date=" + build.get(0), "features.to_date=" + build.get(1)));
      assertEquals(build.get(0) + ".." + build.get(1), r.from() + ".." + r.to(), "only the days asked for are built");
      assertTrue(r.notes().isEmpty(), r.notes().toString());
      long state = Delta.version(spark, LakePaths.of(daily).sequenceState());
      assertTrue(state > previousState, "each build leaves a new state version");
      previousState = state;
    }
    assertSameRows(rows(full), rows(daily));
    Map<String, String> props = Delta.properties(spark, LakePaths.of(daily).features());
    assertEquals("2022-04-08..2022-04-13", props.get("infnet.dates"));
    assertEquals(Delta.properties(spark, LakePaths.of(full).features()).get("infnet.rows.train"), props.get("infnet.rows.train"));
  }

  /**
   * A day ingested again after it was built: the next build starts there (the state the day before left is kept) and
   * runs to the last day built. Day 11: the first test kept the state after day 10 (the end of its first range).
   */
  @Test
  @Order(2)
  void aLateDayIsRebuiltWithEveryLaterDay() {
    InfnetConfig late = SmallLake.copyOf(daily, List.of("raw", "features"));
    LakePaths lake = LakePaths.of(late);
    spark.sql("DELETE FROM delta.`" + lake.rawLog() + "` WHERE date = 20220411 AND user_id % 3 = 0");
    Delta.setProperties(spark, lake.rawLog(), Map.of(BuildPlan.INGESTED_PREFIX + "20220411", Instant.now() + ",100"));

    FeatureBuildResult r = FeatureBuilder.run(spark, late.with("features.from_date=2022-04-13"));
    assertEquals("2022-04-11..2022-04-13", r.from() + ".." + r.to());
    assertTrue(r.notes().get(0).contains("2022-04-11"), r.notes().toString());

    InfnetConfig reference = SmallLake.copyOf(late, List.of("raw", "features/vocabulary", "features/bucket_splits"),
        "features.freeze_vocabulary=true");
    FeatureBuilder.run(spark, reference);
    assertSameRows(rows(reference), rows(late)); // the late day and every later one: what a full build makes of the new log
  }

  /**
   * A day missing while later days were built (the nightly loop went on without it), then delivered: its build runs to
   * the last day built, whose sequences lacked its events, and the table is what a full build makes.
   */
  @Test
  void aDayMissingWhileLaterDaysWereBuiltIsRebuiltWithThemWhenItArrives() {
    InfnetConfig gap = SmallLake.copyOf(full, List.of("raw", "features/vocabulary", "features/bucket_splits"));
    LakePaths lake = LakePaths.of(gap);
    String held = lake.root() + "/held-20220411";
    Delta.read(spark, lake.rawLog()).where("date = 20220411").write().parquet(held);
    spark.sql("DELETE FROM delta.`" + lake.rawLog() + "` WHERE date = 20220411");
    FeatureBuilder.run(spark, gap.with("features.from_date=2022-04-08", "features.to_date=2022-04-10"));
    FeatureBuilder.run(spark, gap.with("features.from_date=2022-04-12", "features.to_date=2022-04-13")); // from the state after 10

    spark.read().parquet(held).write().format("delta").mode("append").save(lake.rawLog());
    Delta.setProperties(spark, lake.rawLog(), Map.of(BuildPlan.INGESTED_PREFIX + "20220411", Instant.now() + ",1"));
    FeatureBuildResult r = FeatureBuilder.run(spark, gap.with("features.from_date=2022-04-11"));

    assertEquals("2022-04-11..2022-04-13", r.from() + ".." + r.to(), r.notes().toString());
    assertTrue(r.notes().get(0).contains("built without"), r.notes().toString());
    assertSameRows(rows(full), rows(gap));
  }

  @Test
  void aDayWithoutRawRowsIsRefusedNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FeatureBuilder.run(spark, full.with("features.from_date=2022-04-20")));
    assertTrue(e.getMessage().contains("2022-04-20") && e.getMessage().contains("ingest"), e.getMessage());
  }

  @Test
  void aRangeIntoATableOfOtherFeatureKeysIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FeatureBuilder.run(spark, full.with("features.from_date=2022-04-13", "features.sequence_max_length=4")));
    assertTrue(e.getMessage().contains("full build"), e.getMessage());
  }

  private static void assertSameRows(List<String> expected, List<String> actual) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), "row " + i + " of " + expected.size());
    }
    assertEquals(expected.size(), actual.size(), "rows");
  }

  /** Every row but the generator's oracle columns (a log changed after generation has no oracle). */
  private static List<String> rows(InfnetConfig config) {
    Dataset<Row> table = Delta.read(spark, LakePaths.of(config).features());
    Column[] columns = Arrays.stream(table.columns()).filter(c -> !c.startsWith("oracle_")).map(functions::col).toArray(Column[]::new);
    return table.select(columns).orderBy("user_id", "video_id", "time_ms").collectAsList().stream().map(Row::toString).toList();
  }
}
