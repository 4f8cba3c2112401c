package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The policy keys features.future_tolerance_hours and features.max_dropped_fraction (docs/DATA_POLICY.md). */
class DataPolicyTest {
  private static final long HOUR_MS = 3_600_000L;

  @Test
  void rowsLaterThanClockPlusToleranceAreDroppedAndCounted() {
    SparkSession spark = SparkTestSupport.spark();
    long now = 1_700_000_000_000L;
    Dataset<Row> sample = rawLog(SmallLake.config()).orderBy("user_id", "time_ms").limit(40).localCheckpoint();
    String future = "video_id % 4 = 0";
    long futureRows = sample.where(future).count();
    Dataset<Row> log = sample.where("not (" + future + ")")
        // 2 h to 2 h 10 min ahead, keeping the rows' distinct times (else they would be duplicate impressions)
        .union(sample.where(future).withColumn("time_ms", col("time_ms").mod(600_000L).plus(now + 2 * HOUR_MS)));

    QualityReport oneHour = new QualityReport();
    LogCleaning.clean(log, now + HOUR_MS, oneHour);
    assertTrue(futureRows > 0);
    assertEquals((double) futureRows, oneHour.section(QualityReport.DROPPED).get("future_timestamp"));
    assertEquals(40.0 - futureRows, oneHour.get(QualityReport.ROWS, "log_deduplicated"));

    QualityReport threeHours = new QualityReport();
    LogCleaning.clean(log, now + 3 * HOUR_MS, threeHours);
    assertNull(threeHours.section(QualityReport.DROPPED).get("future_timestamp"), "2 h ahead is within a 3 h tolerance");
    assertEquals(40.0, threeHours.get(QualityReport.ROWS, "log_deduplicated"));
  }

  @Test
  void moreDropsThanTheMaximumStopTheBuildNamingReasonAndCount() {
    SparkSession spark = SparkTestSupport.spark();
    InfnetConfig config = SmallLake.copy("features.future_tolerance_hours=1", "features.max_dropped_fraction=0.001");
    String log = LakePaths.of(config).rawLog();
    long rows = rawLog(config).count();
    Delta.append(rawLog(config).orderBy("user_id", "time_ms").limit(20)
        .withColumn("time_ms", lit(System.currentTimeMillis() + 2 * HOUR_MS)), log);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> FeatureBuilder.run(spark, config));
    assertTrue(e.getMessage().contains("future_timestamp 20") && e.getMessage().contains("features.max_dropped_fraction=0.001")
        && e.getMessage().contains(String.format("%,d", rows + 20)), e.getMessage());
  }

  private static Dataset<Row> rawLog(InfnetConfig config) {
    return Delta.read(SparkTestSupport.spark(), LakePaths.of(config).rawLog());
  }
}
