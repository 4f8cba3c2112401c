package io.infnet.features;

import io.infnet.config.InfnetConfig;
import io.infnet.features.datagen.DataGenerator;
import io.infnet.features.datagen.DatagenResult;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Wall-clock of datagen + feature build at the default config (3000 users x 14 days x 8). Not part of the
 * suite (the name matches no surefire include); run it with -Dtest=DefaultScaleBenchmark.
 */
class DefaultScaleBenchmark {
  /** Twice: the first run includes JVM and Spark warm-up, the second is what a long-lived driver sees. */
  @Test
  void datagenAndFeatureBuildAtDefaults() {
    timeOnce("cold");
    timeOnce("warm");
  }

  private static void timeOnce(String label) {
    SparkSession spark = SparkTestSupport.spark();
    InfnetConfig config = SparkTestSupport.config("spark.shuffle_partitions=8");
    long start = System.nanoTime();
    DatagenResult raw = DataGenerator.run(spark, config);
    long generated = System.nanoTime();
    FeatureBuildResult features = FeatureBuilder.run(spark, config);
    long built = System.nanoTime();
    System.out.printf("BENCHMARK " + label + ": datagen %.1f s (%d log rows), features %.1f s (%s)%n", (generated - start) / 1e9, raw.logRows(),
        (built - generated) / 1e9, features.rowsPerSplit());
    Row rates = io.infnet.features.spark.Delta.read(spark, raw.logPath())
        .selectExpr("avg(is_click)", "avg(is_like)", "avg(long_view)", "avg(is_follow)", "avg(is_comment)", "avg(is_forward)").first();
    System.out.println("BENCHMARK label rates click/like/long_view/follow/comment/forward: " + rates);
  }
}
