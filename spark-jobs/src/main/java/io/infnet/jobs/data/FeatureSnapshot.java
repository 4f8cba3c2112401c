package io.infnet.jobs.data;

import io.infnet.config.InfnetConfig;
import io.infnet.config.choices.Split;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The lake contract for the data a run reads: one pinned version of the feature table, so every read of a run
 * (train, valid, test) sees the same rows and the version is recorded with the model. {@link #open} checks up front
 * that the table matches the config. The Delta implementation is {@link DeltaFeatureSnapshot}.
 */
public interface FeatureSnapshot {
  String path();

  long version();

  FeatureSchema schema();

  /** The id mappings this table's ids were encoded with ({@link IdEncoding#UNRECORDED} for a table built before they were recorded). */
  IdEncoding encoding();

  /** All rows at the pinned version. */
  Dataset<Row> table();

  /** The table's schema, restricted to the config's tasks (in the config's order). */
  default FeatureSchema schemaFor(List<String> tasks) {
    FeatureSchema s = schema();
    return new FeatureSchema(s.fields(), s.sequences(), tasks, s.gapBuckets());
  }

  /** The reading job's split boundaries (its config's split keys), not the build's stored split column. */
  SplitDates splitDates();

  /** Rows of one split by date, with the reading job's {@link #splitDates()}, or every row for {@link Split#ALL}. */
  default Dataset<Row> split(Split split) {
    return splitDates().select(table(), split);
  }

  /** The feature table at {@code path}, at its current version. */
  static FeatureSnapshot open(SparkSession spark, String path, InfnetConfig config) {
    return DeltaFeatureSnapshot.open(spark, path, config, -1);
  }

  /** The table at exactly Delta version {@code atVersion} (a resumed run must read what it read before). */
  static FeatureSnapshot open(SparkSession spark, String path, InfnetConfig config, long atVersion) {
    return DeltaFeatureSnapshot.open(spark, path, config, atVersion);
  }
}
