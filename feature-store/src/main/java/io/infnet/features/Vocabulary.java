package io.infnet.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;

import io.infnet.features.spark.Delta;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * One vocabulary per categorical field: value (as a string) to index. Fitted on the train split only;
 * values seen fewer than min_count times are left out. Index 0 is missing/OOV; indices 1.. are assigned
 * by count descending, then value ascending, so equal inputs give equal ids. A multi-valued field counts every
 * value of its list ({@link #valuesColumn}). Stored as a Delta table of (field, value, index, count).
 */
final class Vocabulary {
  /** Largest vocabulary encoded through a broadcast map rather than a join. */
  static final int BROADCAST_MAX_VALUES = 2_000_000;
  private final Dataset<Row> table;
  private final Map<String, Integer> cardinalities;

  private Vocabulary(Dataset<Row> table, List<String> fields) {
    this.table = table.persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Integer> maxIndex = new LinkedHashMap<>();
    for (Row r : this.table.groupBy("field").agg(max("index")).collectAsList()) maxIndex.put(r.getString(0), r.getInt(1));
    cardinalities = new LinkedHashMap<>();
    for (String f : fields) cardinalities.put(f, maxIndex.getOrDefault(f, 0) + 1);
  }

  /** The value of a categorical column as the vocabulary keys it. */
  static Column valueOf(String field) {
    return col(field).cast("string");
  }

  static String idColumn(String field) {
    return "__id_" + field;
  }

  /** The values of a multi-valued field: array&lt;string&gt;, never null (empty = no value). */
  static String valuesColumn(String field) {
    return "__values_" + field;
  }

  /** @param multiValued the fields (among {@code fields}) whose values are their {@link #valuesColumn} lists */
  static Vocabulary fit(Dataset<Row> train, List<String> fields, Collection<String> multiValued, int minCount) {
    List<Column> pairs = new ArrayList<>();
    List<Column> lists = new ArrayList<>();
    for (String f : fields) {
      if (multiValued.contains(f)) lists.add(transform(col(valuesColumn(f)), v -> fieldValue(f, v)));
      else pairs.add(fieldValue(f, valueOf(f)));
    }
    if (!pairs.isEmpty()) lists.add(0, array(pairs.toArray(Column[]::new)));
    if (lists.isEmpty()) lists.add(array().cast("array<struct<field:string,value:string>>")); // every field hashed
    Dataset<Row> counts = train.select(explode(concat(lists.toArray(Column[]::new))).as("e"))
        .select(col("e.field").as("field"), col("e.value").as("value"))
        .where(col("value").isNotNull())
        .groupBy("field", "value").count()
        .where(col("count").geq(minCount));
    Dataset<Row> indexed = counts.withColumn("index",
        row_number().over(Window.partitionBy("field").orderBy(col("count").desc(), col("value").asc())).cast("int"));
    return new Vocabulary(indexed.select("field", "value", "index", "count"), fields);
  }

  private static Column fieldValue(String field, Column value) {
    return struct(lit(field).as("field"), value.as("value"));
  }

  /**
   * The stored vocabulary at Delta version {@code version} (pinned by the caller, who records it); every field must be
   * in it (a frozen vocabulary cannot grow a field).
   */
  static Vocabulary load(SparkSession spark, String path, long version, List<String> fields) {
    Dataset<Row> stored = Delta.readVersion(spark, path, version);
    List<String> present = new ArrayList<>();
    for (Row r : stored.select("field").distinct().collectAsList()) present.add(r.getString(0));
    for (String f : fields) {
      if (!present.contains(f)) {
        throw new IllegalArgumentException("features.freeze_vocabulary=true but the stored vocabulary at " + path
            + " has no field '" + f + "' (it has " + present + ")");
      }
    }
    return new Vocabulary(stored, fields);
  }

  /** A vocabulary of stored (field, value, index, count) rows, e.g. those an encoding stage saved. */
  static Vocabulary of(Dataset<Row> rows, List<String> fields) {
    return new Vocabulary(rows.select("field", "value", "index", "count"), fields);
  }

  /** The (field, value, index, count) rows. */
  Dataset<Row> rows() {
    return table;
  }

  /** @return the Delta version written */
  long save(String path) {
    Delta.overwrite(table.orderBy("field", "index"), path);
    return Delta.version(table.sparkSession(), path);
  }

  /**
   * An order-independent fingerprint of the (field, value, id) rows: equal fingerprints, same ids for the same values.
   * Models record it (provenance) so that scoring can refuse features encoded with another vocabulary.
   */
  String fingerprint() {
    Row r = table.agg(bit_xor(xxhash64(col("field"), col("value"), col("index"))), count(lit(1))).first();
    return String.format(java.util.Locale.ROOT, "%016x-%d", r.isNullAt(0) ? 0L : r.getLong(0), r.getLong(1));
  }

  int cardinality(String field) {
    return cardinalities.get(field);
  }

  /**
   * Adds {@code __id_<field>} per field: the value's index, 0 when missing or not in the vocabulary, and
   * {@code multi_<field>} per multi-valued field: the indices of its {@link #valuesColumn} list. Fields of up to
   * {@value #BROADCAST_MAX_VALUES} values are looked up in a broadcast map within one projection (no shuffle, a
   * small plan); larger ones (user ids at scale) are joined. Lists are always looked up in the map: joining
   * exploded lists back would cost a shuffle per field, and listed values (tags) are small vocabularies.
   */
  Dataset<Row> encode(Dataset<Row> rows, List<String> fields, List<String> multiValued) {
    List<String> small = new ArrayList<>(), large = new ArrayList<>();
    for (String f : fields) (fitsBroadcast(f) ? small : large).add(f);
    for (String f : multiValued) {
      if (!fitsBroadcast(f)) {
        throw new IllegalArgumentException("multi-valued field '" + f + "' has " + (cardinality(f) - 1) + " values, more than "
            + BROADCAST_MAX_VALUES + " (the most a multi-valued field may have)");
      }
    }
    Dataset<Row> out = rows;
    for (String f : large) out = joinIds(out, f);
    if (small.isEmpty() && multiValued.isEmpty()) return out;
    Map<String, UserDefinedFunction> lookups = broadcastLookups(rows, union(small, multiValued));
    List<Column> columns = new ArrayList<>(List.of(col("*")));
    for (String f : small) columns.add(lookups.get(f).apply(valueOf(f)).as(idColumn(f)));
    for (String f : multiValued) {
      columns.add(transform(col(valuesColumn(f)), v -> lookups.get(f).apply(v)).as(FeatureSchema.multiValuedColumn(f)));
    }
    return out.select(columns.toArray(Column[]::new));
  }

  private boolean fitsBroadcast(String field) {
    return cardinality(field) - 1 <= BROADCAST_MAX_VALUES;
  }

  /** Per field, a UDF value → index over a broadcast copy of the field's vocabulary. */
  private Map<String, UserDefinedFunction> broadcastLookups(Dataset<Row> rows, List<String> fields) {
    Map<String, Map<String, Integer>> maps = new LinkedHashMap<>();
    for (String f : fields) maps.put(f, new HashMap<>());
    for (Row r : table.where(col("field").isin(fields.toArray())).collectAsList()) {
      maps.get(r.getString(0)).put(r.getString(1), r.getInt(2));
    }
    Broadcast<Map<String, Map<String, Integer>>> shared =
        JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext()).broadcast(maps);
    Map<String, UserDefinedFunction> lookups = new LinkedHashMap<>();
    for (String f : fields) {
      lookups.put(f, udf((UDF1<String, Integer>) value -> indexOf(shared.value().get(f), value), DataTypes.IntegerType));
    }
    return lookups;
  }

  private static List<String> union(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    for (String x : b) if (!all.contains(x)) all.add(x);
    return all;
  }

  private static int indexOf(Map<String, Integer> vocabulary, String value) {
    if (value == null) return 0;
    Integer index = vocabulary.get(value);
    return index == null ? 0 : index;
  }

  private Dataset<Row> joinIds(Dataset<Row> rows, String f) {
    String valueKey = "__value_" + f;
    Dataset<Row> lookup = table.where(col("field").equalTo(f)).select(col("value").as(valueKey), col("index").as(idColumn(f)));
    return rows.join(lookup, valueOf(f).equalTo(col(valueKey)), "left")
        .drop(valueKey)
        .withColumn(idColumn(f), coalesce(col(idColumn(f)), lit(0)));
  }
}
