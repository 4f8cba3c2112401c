package io.infnet.jobs.data;

import static org.apache.spark.sql.functions.col;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.Split;
import io.infnet.features.FeatureTables;
import io.infnet.jobs.JobFailure;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One pinned Delta version of the feature table: every read of a run (train, valid, test) sees the same data,
 * and the version is recorded with the model. Checks up front that the table matches the config.
 */
public final class FeatureSnapshot {
  private final SparkSession spark;
  private final String path;
  private final long version;
  private final FeatureSchema schema;

  private FeatureSnapshot(SparkSession spark, String path, long version, FeatureSchema schema) {
    this.spark = spark;
    this.path = path;
    this.version = version;
    this.schema = schema;
  }

  public static FeatureSnapshot open(SparkSession spark, String path, InfnetConfig config) {
    return open(spark, path, config, -1);
  }

  /** Opens the table, requiring Delta version {@code atVersion} (a resumed run must read what it read before); -1 = any. */
  public static FeatureSnapshot open(SparkSession spark, String path, InfnetConfig config, long atVersion) {
    if (!io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
      throw new JobFailure("feature table " + path + " does not exist: run 'bin/infnet features' first");
    }
    long current = FeatureTables.currentVersion(spark, path);
    if (atVersion >= 0 && atVersion != current) {
      throw new JobFailure("feature table " + path + " is at Delta version " + current + ", not " + atVersion
          + ": the run cannot resume on different data; start a new run");
    }
    long version = current;
    FeatureSchema schema = FeatureTables.readSchema(spark, path);
    checkMatchesConfig(schema, config, path);
    return new FeatureSnapshot(spark, path, version, schema);
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


  public String path() {
    return path;
  }

  public long version() {
    return version;
  }

  /** The table's schema, restricted to the config's tasks (in the config's order). */
  public FeatureSchema schemaFor(List<String> tasks) {
    return new FeatureSchema(schema.fields(), schema.sequences(), tasks, schema.gapBuckets());
  }

  public FeatureSchema schema() {
    return schema;
  }

  /** All rows at the pinned version. */
  public Dataset<Row> table() {
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  /** The fingerprint of the vocabulary this table's ids were encoded with; "" for a table built before it was recorded. */
  public String vocabularyFingerprint() {
    return FeatureTables.properties(spark, path).getOrDefault(FeatureTables.VOCABULARY_FINGERPRINT_PROPERTY, "");
  }

  /** Rows of one split, or every row for {@link Split#ALL}. */
  public Dataset<Row> split(Split split) {
    Dataset<Row> all = table();
    return split == Split.ALL ? all : all.where(col("split").equalTo(split.configName()));
  }

}
