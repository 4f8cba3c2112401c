package io.infnet.jobs.data;

import io.infnet.config.InfnetConfig;
import io.infnet.features.FeatureTables;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@link FeatureSnapshot} over rows a caller already holds (a DataFrame read from, or derived from, a feature table):
 * the feature schema and id mappings come from that table's properties at its current version, recorded as the
 * model's provenance; the splits are the config's, as for the CLI.
 */
public final class DataFrameSnapshot implements FeatureSnapshot {
  private final FeatureTables.Pinned pinned;
  private final Dataset<Row> rows;
  private final SplitDates splitDates;

  private DataFrameSnapshot(FeatureTables.Pinned pinned, Dataset<Row> rows, SplitDates splitDates) {
    this.pinned = pinned;
    this.rows = rows;
    this.splitDates = splitDates;
  }

  /** {@code rows} of the feature table at {@code tablePath}, split with {@code config}'s split keys. */
  public static DataFrameSnapshot of(SparkSession spark, String tablePath, Dataset<Row> rows, InfnetConfig config) {
    return of(spark, tablePath, rows, config, -1);
  }

  /**
   * As {@link #of(SparkSession, String, Dataset, InfnetConfig)}, refused unless the table is at Delta version
   * {@code expectedVersion} (-1: any), the version {@code rows} were read at: schema and mappings must be theirs.
   */
  public static DataFrameSnapshot of(SparkSession spark, String tablePath, Dataset<Row> rows, InfnetConfig config, long expectedVersion) {
    FeatureTables.Pinned pinned = FeatureTables.pinCurrent(spark, tablePath);
    if (expectedVersion >= 0 && pinned.version() != expectedVersion) {
      throw new io.infnet.jobs.JobFailure("feature table " + tablePath + " is at Delta version " + pinned.version() + ", not "
          + expectedVersion + " (featureTableVersion): the rows' schema and id mappings would not be the recorded ones");
    }
    return new DataFrameSnapshot(pinned, rows, SplitDates.of(config));
  }

  @Override
  public String path() {
    return pinned.path();
  }

  @Override
  public long version() {
    return pinned.version();
  }

  @Override
  public FeatureSchema schema() {
    return pinned.schema();
  }

  @Override
  public IdEncoding encoding() {
    return pinned.encoding();
  }

  @Override
  public Dataset<Row> table() {
    return rows;
  }

  @Override
  public SplitDates splitDates() {
    return splitDates;
  }
}
