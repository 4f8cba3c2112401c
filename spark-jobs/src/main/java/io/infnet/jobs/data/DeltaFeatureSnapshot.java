package io.infnet.jobs.data;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.features.FeatureTables;
import io.infnet.jobs.JobFailure;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@link FeatureSnapshot} on a Delta table: the pinned version is read by time travel ({@code versionAsOf}). */
final class DeltaFeatureSnapshot implements FeatureSnapshot {
  private final SparkSession spark;
  private final String path;
  private final long version;
  private final FeatureSchema schema;
  private final IdEncoding encoding;
  private final SplitDates splitDates;

  private DeltaFeatureSnapshot(SparkSession spark, FeatureTables.Pinned pinned, SplitDates splitDates) {
    this.spark = spark;
    this.path = pinned.path();
    this.version = pinned.version();
    this.schema = pinned.schema();
    this.encoding = pinned.encoding();
    this.splitDates = splitDates;
  }

  static FeatureSnapshot open(SparkSession spark, String path, InfnetConfig config, long atVersion) {
    if (!io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
      throw new JobFailure("feature table " + path + " does not exist: run 'bin/infnet features' first");
    }
    FeatureTables.Pinned pinned = FeatureTables.pinCurrent(spark, path);
    if (atVersion >= 0 && atVersion != pinned.version()) {
      throw new JobFailure("feature table " + path + " is at Delta version " + pinned.version() + ", not " + atVersion
          + ": the run cannot resume on different data; start a new run");
    }
    checkMatchesConfig(pinned.schema(), config, path);
    return new DeltaFeatureSnapshot(spark, pinned, SplitDates.of(config));
  }

  /** The table must have been built for the fields and tasks this config trains on. */
  static void checkMatchesConfig(FeatureSchema schema, InfnetConfig config, String path) {
    List<String> expectedFields = new ArrayList<>(config.get(Keys.FEATURES_CATEGORICAL));
    expectedFields.addAll(config.get(Keys.FEATURES_NUMERIC));
    List<String> actualFields = schema.fields().stream().map(FeatureSchema.Field::name).toList();
    if (!actualFields.equals(expectedFields)) {
      throw new JobFailure("feature table " + path + " has fields " + actualFields + " but the config expects "
          + expectedFields + ": rebuild it with 'bin/infnet features' for this config");
    }
    List<String> tasks = config.get(Keys.TASKS);
    if (!schema.tasks().containsAll(tasks)) {
      throw new JobFailure("feature table " + path + " has labels for tasks " + schema.tasks() + " but tasks.names is "
          + tasks + ": rebuild it with 'bin/infnet features' for this config");
    }
    List<String> sequences = schema.sequences().stream().map(FeatureSchema.Sequence::name).toList();
    if (!sequences.equals(config.get(Keys.FEATURES_SEQUENCES))) {
      throw new JobFailure("feature table " + path + " has sequences " + sequences + " but features.sequences is "
          + config.get(Keys.FEATURES_SEQUENCES) + ": rebuild it with 'bin/infnet features' for this config");
    }
  }


  @Override
  public String path() {
    return path;
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public FeatureSchema schema() {
    return schema;
  }

  @Override
  public SplitDates splitDates() {
    return splitDates;
  }

  @Override
  public Dataset<Row> table() {
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  @Override
  public IdEncoding encoding() {
    return encoding;
  }
}
