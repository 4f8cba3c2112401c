package io.infnet.features;

import io.infnet.features.spark.Delta;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Reading what a feature build recorded on its Delta table. */
public final class FeatureTables {
  /** Table property: sha256 of the build's config. */
  public static final String CONFIG_HASH_PROPERTY = "infnet.config_hash";
  /** Table property: the build's config as canonical JSON. */
  public static final String CONFIG_PROPERTY = "infnet.config";
  /** Table property: the keys that decide the rows' content (a day range is built only with the same ones). */
  public static final String FEATURE_SPEC_PROPERTY = "infnet.feature_spec";

  private FeatureTables() {}

  /** A table version with the properties it had: what one run reads and records. */
  public record Pinned(String path, long version, Map<String, String> properties) {
    public Pinned {
      properties = Map.copyOf(properties);
    }

    /** The feature schema stored as {@link FeatureSchema#TABLE_PROPERTY} at this version. */
    public FeatureSchema schema() {
      return schemaOf(path, properties);
    }

    /** The id mappings the rows were encoded with ({@link IdEncoding#TABLE_PROPERTY}); less for older tables. */
    public IdEncoding encoding() {
      String json = properties.get(IdEncoding.TABLE_PROPERTY);
      return json != null ? IdEncoding.fromJson(json) : IdEncoding.ofLegacyFingerprint(properties.get(IdEncoding.LEGACY_TABLE_PROPERTY));
    }
  }

  /**
   * The current version with its properties. Delta reports properties only for the latest version, so they are read
   * between two reads of the version and re-read if a commit landed in between: a concurrent rebuild cannot pair one
   * version's rows with another version's schema or vocabulary.
   */
  public static Pinned pinCurrent(SparkSession spark, String tablePath) {
    for (int attempt = 0; ; attempt++) {
      long before = currentVersion(spark, tablePath);
      Map<String, String> properties = properties(spark, tablePath);
      if (currentVersion(spark, tablePath) == before) return new Pinned(tablePath, before, properties);
      if (attempt == 10) throw new IllegalStateException("the Delta table at " + tablePath + " changed during 10 reads of its properties");
    }
  }

  /** The feature schema stored as {@link FeatureSchema#TABLE_PROPERTY}, at the current version. */
  public static FeatureSchema readSchema(SparkSession spark, String tablePath) {
    return schemaOf(tablePath, properties(spark, tablePath));
  }

  private static FeatureSchema schemaOf(String tablePath, Map<String, String> properties) {
    String json = properties.get(FeatureSchema.TABLE_PROPERTY);
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
