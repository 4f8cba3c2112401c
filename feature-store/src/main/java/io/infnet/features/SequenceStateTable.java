package io.infnet.features;

import io.infnet.features.spark.Delta;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The sequence state on the lake ({@code LakePaths.sequenceState()}): one Delta version per build, each holding every
 * user's last events per behaviour after that build's last day. Older versions stay readable by time travel until
 * the table is vacuumed, which is what lets a late day be rebuilt from the state before it.
 */
final class SequenceStateTable {
  private SequenceStateTable() {}

  /** The state at {@code version}; no history (an empty state) for version -1. */
  static Dataset<Row> read(SparkSession spark, String path, long version, PointInTimeSequences sequences) {
    if (version < 0) return sequences.emptyState(spark);
    if (!Delta.exists(spark, path)) {
      throw new IllegalArgumentException("the sequence state at " + path + " is gone: run a full build (bin/infnet features without a date range)");
    }
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  /** Replaces the state with {@code state} (after {@code throughDay}); returns the new version. */
  static long write(SparkSession spark, String path, Dataset<Row> state, String throughDay) {
    state.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .option("userMetadata", "through " + throughDay).save(path);
    return Delta.version(spark, path);
  }
}
