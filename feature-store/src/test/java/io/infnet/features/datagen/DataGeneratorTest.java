package io.infnet.features.datagen;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.features.SmallLake;
import io.infnet.features.SparkTestSupport;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class DataGeneratorTest {
  private static final String[] TINY = {"datagen.users=60", "datagen.videos=50", "datagen.days=3"};

  private final SparkSession spark = SparkTestSupport.spark();

  @Test
  void sameSeedGivesIdenticalTablesWhateverThePartitioning() {
    DatagenResult first = DataGenerator.run(spark, SparkTestSupport.config(TINY).with("spark.shuffle_partitions=2"));
    DatagenResult second = DataGenerator.run(spark, SparkTestSupport.config(TINY).with("spark.shuffle_partitions=5"));
    assertSameRows(first.logPath(), second.logPath());
    assertSameRows(first.usersPath(), second.usersPath());
    assertSameRows(first.videosPath(), second.videosPath());
    assertEquals(first.logRows(), second.logRows());
    assertEquals(60, first.userRows());
    assertEquals(50, first.videoRows());
  }

  @Test
  void logHasTheNineteenKuaiRandColumnsInOrder() {
    LakePaths lake = LakePaths.of(SmallLake.config());
    Dataset<Row> log = Delta.read(spark, lake.rawLog());
    assertEquals(Arrays.asList(RawSchemas.LOG.fieldNames()), Arrays.asList(log.columns()));
    assertEquals(19, log.columns().length);
    for (int i = 0; i < 19; i++) {
      assertEquals(RawSchemas.LOG.fields()[i].dataType(), log.schema().fields()[i].dataType(), log.columns()[i]);
    }
    RawSchemas.requireSchema(Delta.read(spark, lake.rawUsers()), RawSchemas.USERS, "users");
    RawSchemas.requireSchema(Delta.read(spark, lake.rawVideos()), RawSchemas.VIDEOS, "videos");
    assertEquals(31, Delta.read(spark, lake.rawUsers()).columns().length);
    assertEquals(12, Delta.read(spark, lake.rawVideos()).columns().length);
    long rows = log.count(); // 150 users x 6 days x 8 impressions on average
    assertTrue(rows > 150 * 6 * 8 * 0.7 && rows < 150 * 6 * 8 * 1.3, "rows: " + rows);
    assertEquals(6, log.select("date").distinct().count());
  }

  @Test
  void labelRatesAreInTheDocumentedRangesAndDependentTasksFollowClicks() {
    Dataset<Row> log = Delta.read(spark, LakePaths.of(SmallLake.config()).rawLog());
    Row rates = log.agg(avg("is_click"), avg("is_like"), avg("long_view"), avg("is_follow"),
        sum(when(col("is_click").equalTo(0).and(col("is_like").plus(col("long_view")).plus(col("is_follow"))
            .plus(col("is_comment")).plus(col("is_forward")).plus(col("is_profile_enter")).gt(0)), 1).otherwise(0)),
        sum(when(col("long_view").equalTo(1).and(col("play_time_ms").lt(least(col("duration_ms"), lit(HiddenModel.LONG_VIEW_MS)))), 1)
            .otherwise(0)),
        sum(when(col("long_view").equalTo(0).and(col("play_time_ms").geq(least(col("duration_ms"), lit(HiddenModel.LONG_VIEW_MS)))), 1)
            .otherwise(0)),
        count("*")).first();
    System.out.printf("datagen label rates over %d rows: click %.4f like %.4f long_view %.4f follow %.4f%n",
        rates.getLong(7), rates.getDouble(0), rates.getDouble(1), rates.getDouble(2), rates.getDouble(3));
    assertBetween("click", rates.getDouble(0), 0.30, 0.40);
    assertBetween("like", rates.getDouble(1), 0.02, 0.05);
    assertBetween("long_view", rates.getDouble(2), 0.25, 0.35);
    assertEquals(0L, rates.getLong(4), "like/long_view/follow/comment/forward/profile without a click");
    assertEquals(0L, rates.getLong(5), "long_view with a play time below min(duration, 18 s)");
    assertEquals(0L, rates.getLong(6), "no long_view with a play time of at least min(duration, 18 s)");
  }

  private static void assertBetween(String what, double value, double low, double high) {
    assertTrue(value >= low && value <= high, what + " rate " + value + " outside [" + low + ", " + high + "]");
  }

  private void assertSameRows(String a, String b) {
    Dataset<Row> left = Delta.read(spark, a), right = Delta.read(spark, b);
    assertEquals(left.count(), right.count());
    assertEquals(0, left.exceptAll(right).count(), "rows of " + a + " missing from " + b);
    assertEquals(0, right.exceptAll(left).count(), "rows of " + b + " missing from " + a);
  }
}
