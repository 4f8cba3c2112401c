package io.infnet.features;

import io.infnet.features.spark.Delta;
import io.infnet.schema.FeatureSchema;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Reading what a feature build recorded on its Delta table. */
public final class FeatureTables {
  /** Table property: sha256 of the build's config. */
  public static final String CONFIG_HASH_PROPERTY = "infnet.config_hash";
  /** Table property: the build's config as canonical JSON. */
  public static final String CONFIG_PROPERTY = "infnet.config";
  /** Table property: the fingerprint of the vocabulary the categorical ids were encoded with. */
  public static final String VOCABULARY_FINGERPRINT_PROPERTY = "infnet.vocabulary_fingerprint";

  private FeatureTables() {}

  /** The feature schema stored as {@link FeatureSchema#TABLE_PROPERTY}. */
  public static FeatureSchema readSchema(SparkSession spark, String tablePath) {
    String json = properties(spark, tablePath).get(FeatureSchema.TABLE_PROPERTY);
    if (json == null) {
      throw new IllegalArgumentException("the Delta table at " + tablePath + " has no property " + FeatureSchema.TABLE_PROPERTY
          + ": it was not written by the feature build (bin/infnet features)");
    }
    return FeatureSchema.fromJson(json);
  }

  public static long currentVersion(SparkSession spark, String tablePath) {
    return Delta.version(spark, tablePath);
  }

  /** Every table property (Delta's and the build's), sorted by name. */
  public static Map<String, String> properties(SparkSession spark, String tablePath) {
    return Delta.properties(spark, tablePath);
  }
}
