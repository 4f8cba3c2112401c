package io.infnet.features.spark;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one way every job and test gets a Spark session: Delta enabled, shuffle partitions from the config,
 * and {@code spark.master} from the config only when spark-submit did not set one.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession getOrCreate(InfnetConfig config, String appName) {
    SparkConf conf = new SparkConf(true);
    if (!conf.contains("spark.master")) conf.setMaster(config.get(Keys.SPARK_MASTER));
    if (!conf.contains("spark.app.name")) conf.setAppName(appName);
    conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.set("spark.sql.shuffle.partitions", String.valueOf(config.get(Keys.SPARK_SHUFFLE_PARTITIONS)));
    conf.set("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.ui.enabled", "false");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    // Delta writes small tables often: keep its checkpoint/log compaction defaults, but no stats on arrays.
    conf.setIfMissing("spark.databricks.delta.schema.autoMerge.enabled", "false");
    // Delta rebuilds a table's state from its log in spark.databricks.delta.snapshotPartitions tasks (default 50):
    // 50 tasks per table first read for a log of a few files was most of a nightly job's Spark time. As many as a shuffle.
    conf.setIfMissing("spark.databricks.delta.snapshotPartitions", String.valueOf(config.get(Keys.SPARK_SHUFFLE_PARTITIONS)));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.conf().set("spark.sql.shuffle.partitions", String.valueOf(config.get(Keys.SPARK_SHUFFLE_PARTITIONS)));
    return spark;
  }
}
