package io.infnet.features;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The data-quality record of one feature build, collected on the driver as it goes (a few hundred numbers),
 * then written as rows of (section, name, date, split, value) next to the build's table version.
 * Sections are documented in docs/DATA_POLICY.md.
 */
final class QualityReport {
  static final String ROWS = "rows", DROPPED = "dropped", UNKNOWN_KEY = "unknown_key", NULL_RATE = "null_rate",
      LABEL_RATE = "label_rate", OOV_RATE = "oov_rate";
  /** Hashed fields (features.hash_buckets), per field: distinct ids, buckets used, exact and expected colliding fractions. */
  static final String HASH_IDS = "hash_ids", HASH_BUCKETS_USED = "hash_buckets_used", HASH_COLLIDING = "hash_colliding_fraction",
      HASH_EXPECTED_COLLIDING = "hash_expected_colliding_fraction";

  static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("table_version", DataTypes.LongType, false),
      DataTypes.createStructField("config_hash", DataTypes.StringType, false),
      DataTypes.createStructField("section", DataTypes.StringType, false),
      DataTypes.createStructField("name", DataTypes.StringType, false),
      DataTypes.createStructField("date", DataTypes.StringType, true),
      DataTypes.createStructField("split", DataTypes.StringType, true),
      DataTypes.createStructField("value", DataTypes.DoubleType, false)));

  private record Entry(String section, String name, String date, String split, double value) {}

  private final List<Entry> entries = new ArrayList<>();

  void add(String section, String name, double value) {
    add(section, name, null, null, value);
  }

  void add(String section, String name, String date, String split, double value) {
    entries.add(new Entry(section, name, date, split, value));
  }

  /** The value of a (section, name) entry without date or split, or -1 if absent. */
  double get(String section, String name) {
    for (Entry e : entries) {
      if (e.section.equals(section) && e.name.equals(name) && e.date == null && e.split == null) return e.value;
    }
    return -1;
  }

  /** The entries of {@code section} without date or split, by name, in the order added. */
  Map<String, Double> section(String section) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (Entry e : entries) if (e.section.equals(section) && e.date == null && e.split == null) values.put(e.name, e.value);
    return values;
  }

  Dataset<Row> toDataset(SparkSession spark, long tableVersion, String configHash) {
    List<Row> rows = new ArrayList<>();
    for (Entry e : entries) rows.add(RowFactory.create(tableVersion, configHash, e.section, e.name, e.date, e.split, e.value));
    return spark.createDataFrame(rows, SCHEMA);
  }
}
