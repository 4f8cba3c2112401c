package io.infnet.features.datagen;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.xxhash64;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.ntile;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static io.infnet.features.raw.RawSchemas.ORACLE_FLAGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.features.SmallLake;
import io.infnet.features.SparkTestSupport;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
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
    assertSameRows(first.oraclePath(), second.oraclePath());
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

  /**
   * The oracle costs no random draw: the small lake's log is, row for row, the one generated before the oracle
   * existed (fingerprint taken at commit dcac83b with the same settings).
   */
  @Test
  void logIsTheSameAsBeforeTheOracleExisted() {
    Dataset<Row> log = Delta.read(spark, LakePaths.of(SmallLake.config()).rawLog());
    assertEquals("rows=8113 xor=1139030818024208448", fingerprint(log));
  }

  @Test
  void oracleHasOneRowPerImpressionAndItsProbabilitiesFollowTheSimulatorsDraws() {
    LakePaths lake = LakePaths.of(SmallLake.config());
    Dataset<Row> log = Delta.read(spark, lake.rawLog());
    Dataset<Row> oracle = Delta.read(spark, lake.rawOracle());
    RawSchemas.requireSchema(oracle, RawSchemas.ORACLE, "oracle");
    assertEquals(List.of("date"), io.delta.tables.DeltaTable.forPath(spark, lake.rawOracle()).detail()
        .select("partitionColumns").first().getList(0), "partitioned like the log");
    Dataset<Row> both = withProbabilities(log, oracle);
    assertEquals(log.count(), oracle.count());
    assertEquals(log.count(), both.count(), "every log row has its oracle row, keys and date equal");

    // a flag that needs a click is never likelier than the click; a follow always enters the profile
    Row bounds = both.agg(sum(when(col("p_is_like").gt(col("p_is_click")).or(col("p_long_view").gt(col("p_is_click")))
            .or(col("p_is_follow").gt(col("p_is_click"))).or(col("p_is_comment").gt(col("p_is_click")))
            .or(col("p_is_forward").gt(col("p_is_click"))).or(col("p_is_profile_enter").gt(col("p_is_click")))
            .or(col("p_is_profile_enter").lt(col("p_is_follow"))), 1).otherwise(0)),
        min(least(ORACLE_FLAGS.stream().map(f -> col("p_" + f)).toArray(Column[]::new))),
        max(greatest(ORACLE_FLAGS.stream().map(f -> col("p_" + f)).toArray(Column[]::new)))).first();
    assertEquals(0L, bounds.getLong(0), "dependent probabilities inconsistent with the click's");
    assertTrue(bounds.getDouble(1) > 0 && bounds.getDouble(2) < 1, "probabilities inside (0, 1)");

    // calibration per flag and decile of the probability: the label count matches the summed probabilities within
    // 4 standard deviations (given the history each flag is a Bernoulli of its probability, so the deviation of the
    // sum is sqrt(sum p(1-p))); a row paired with another row's probabilities would be far off
    for (String flag : ORACLE_FLAGS) {
      Column p = col("p_" + flag);
      List<Row> deciles = both.withColumn("decile", ntile(10).over(Window.orderBy(p)))
          .groupBy("decile").agg(sum(col(flag)), sum(p), sum(p.multiply(lit(1).minus(p))), count(lit(1))).collectAsList();
      for (Row d : deciles) {
        double labels = d.getLong(1), expected = d.getDouble(2), sd = Math.sqrt(d.getDouble(3));
        assertTrue(Math.abs(labels - expected) <= 4 * sd + 0.5, flag + " decile " + d.getInt(0) + ": " + (long) labels
            + " labels, expected " + expected + " ± " + sd + " over " + d.getLong(4) + " rows");
      }
    }
  }

  @Test
  void oracleRanksEveryFlagAndBeatsItsBaseRate() {
    LakePaths lake = LakePaths.of(SmallLake.config());
    Dataset<Row> both = withProbabilities(Delta.read(spark, lake.rawLog()), Delta.read(spark, lake.rawOracle())).cache();
    for (String flag : ORACLE_FLAGS) {
      Dataset<Row> scored = both.select(col(flag).cast("double").as("y"), col("p_" + flag).as("p"));
      Row r = scored.agg(avg("y"), avg(logLoss(col("y"), col("p")))).first();
      double rate = r.getDouble(0), oracleLogLoss = r.getDouble(1);
      double baseLogLoss = -(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));
      double auc = new BinaryClassificationEvaluator().setLabelCol("y").setRawPredictionCol("p").setNumBins(0).evaluate(scored);
      System.out.printf("oracle on the small lake: %s rate %.4f AUC %.4f logloss %.4f (base rate %.4f)%n",
          flag, rate, auc, oracleLogLoss, baseLogLoss);
      assertTrue(auc > 0.5, flag + " oracle AUC " + auc);
      assertTrue(oracleLogLoss < baseLogLoss, flag + " oracle logloss " + oracleLogLoss + " not below base rate " + baseLogLoss);
    }
    both.unpersist();
  }

  /** The log's rows with the oracle's probabilities as {@code p_<flag>}, joined on key and date. */
  private static Dataset<Row> withProbabilities(Dataset<Row> log, Dataset<Row> oracle) {
    Dataset<Row> p = oracle;
    for (String flag : ORACLE_FLAGS) p = p.withColumnRenamed(flag, "p_" + flag);
    return log.join(p, new String[] {"user_id", "video_id", "time_ms", "date"});
  }

  private static Column logLoss(Column y, Column p) {
    return when(y.equalTo(1), log(p).multiply(-1)).otherwise(log(lit(1).minus(p)).multiply(-1));
  }

  /** Row count and the XOR of every row's xxhash64: order-independent, exact for the log's int/long columns. */
  static String fingerprint(Dataset<Row> table) {
    Column[] columns = Arrays.stream(table.columns()).map(c -> col(c)).toArray(Column[]::new);
    Row r = table.agg(count(lit(1)), bit_xor(xxhash64(columns))).first();
    return "rows=" + r.getLong(0) + " xor=" + r.getLong(1);
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
