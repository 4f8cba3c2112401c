package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 4: reruns give the same rows whatever the partitioning. The log is made hostile first: every
 * impression of one user on one day gets the same millisecond, more events than the sequence cap, so which ones a
 * later row's sequence keeps depends only on the documented tiebreaker (docs/FEATURE_TABLES.md, "Point-in-time
 * sequences"), never on the order rows reach a partition.
 */
class DeterministicRerunTest {
  @Test
  void twoBuildsWithDifferentPartitionCountsGiveIdenticalFeatureRows() {
    SparkSession spark = SparkTestSupport.spark();
    InfnetConfig twoPartitions = SmallLake.copy();
    long sameMsEvents = giveOneUsersDayOneMillisecond(spark, LakePaths.of(twoPartitions));
    assertTrue(sameMsEvents > 8, "more same-millisecond events than features.sequence_max_length: " + sameMsEvents);
    InfnetConfig sevenPartitions = SmallLake.copyOf(twoPartitions, List.of("raw"));

    List<Row> a = build(spark, twoPartitions, 2);
    List<Row> b = build(spark, sevenPartitions, 7);

    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) assertEquals(a.get(i), b.get(i), "row " + i + " differs");
  }

  /** @return how many impressions now share the millisecond of their user's first impression of the busiest user-day */
  private static long giveOneUsersDayOneMillisecond(SparkSession spark, LakePaths lake) {
    Dataset<Row> log = Delta.read(spark, lake.rawLog()).localCheckpoint();
    Row busiest = log.groupBy("user_id", "date").count().orderBy(col("count").desc(), col("user_id"), col("date")).first();
    long user = busiest.getLong(0);
    int date = busiest.getInt(1);
    long firstMs = log.where(col("user_id").equalTo(user).and(col("date").equalTo(date))).agg(min("time_ms")).first().getLong(0);
    Dataset<Row> hostile = log.withColumn("time_ms",
        when(col("user_id").equalTo(user).and(col("date").equalTo(date)), firstMs).otherwise(col("time_ms")));
    hostile.write().format("delta").mode("overwrite").save(lake.rawLog());
    return busiest.getLong(2);
  }

  private static List<Row> build(SparkSession spark, InfnetConfig config, int partitions) {
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(partitions));
    try {
      FeatureBuilder.run(spark, config);
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
    }
    Dataset<Row> rows = Delta.read(spark, LakePaths.of(config).features());
    return rows.orderBy("user_id", "time_ms", "video_id").collectAsList();
  }
}
