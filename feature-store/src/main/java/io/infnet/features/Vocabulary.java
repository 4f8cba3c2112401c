package io.infnet.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;

import io.infnet.features.spark.Delta;
import java.util.ArrayList;
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
 * by count descending, then value ascending, so equal inputs give equal ids. Stored as a Delta table of
 * (field, value, index, count).
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

  static Vocabulary fit(Dataset<Row> train, List<String> fields, int minCount) {
    List<Column> pairs = new ArrayList<>();
    for (String f : fields) pairs.add(struct(lit(f).as("field"), valueOf(f).as("value")));
    Dataset<Row> counts = train.select(explode(array(pairs.toArray(Column[]::new))).as("e"))
        .select(col("e.field").as("field"), col("e.value").as("value"))
        .where(col("value").isNotNull())
        .groupBy("field", "value").count()
        .where(col("count").geq(minCount));
    Dataset<Row> indexed = counts.withColumn("index",
        row_number().over(Window.partitionBy("field").orderBy(col("count").desc(), col("value").asc())).cast("int"));
    return new Vocabulary(indexed.select("field", "value", "index", "count"), fields);
  }

  /** The stored vocabulary; every field must be in it (a frozen vocabulary cannot grow a field). */
  static Vocabulary load(SparkSession spark, String path, List<String> fields) {
    if (!Delta.exists(spark, path)) {
      throw new IllegalArgumentException("features.freeze_vocabulary=true but there is no vocabulary at " + path);
    }
    Dataset<Row> stored = Delta.read(spark, path);
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

  void save(String path) {
    Delta.overwrite(table.orderBy("field", "index"), path);
  }

  int cardinality(String field) {
    return cardinalities.get(field);
  }

  /**
   * Adds {@code __id_<field>} per field: the value's index, 0 when missing or not in the vocabulary. Fields
   * of up to {@value #BROADCAST_MAX_VALUES} values are looked up in a broadcast map within one projection (no
   * shuffle, a small plan); larger ones (user ids at scale) are joined.
   */
  Dataset<Row> encode(Dataset<Row> rows, List<String> fields) {
    List<String> small = new ArrayList<>(), large = new ArrayList<>();
    for (String f : fields) (cardinality(f) - 1 <= BROADCAST_MAX_VALUES ? small : large).add(f);
    Dataset<Row> out = rows;
    for (String f : large) out = joinIds(out, f);
    if (small.isEmpty()) return out;
    Map<String, Map<String, Integer>> maps = new LinkedHashMap<>();
    for (String f : small) maps.put(f, new HashMap<>());
    for (Row r : table.where(col("field").isin(small.toArray())).collectAsList()) {
      maps.get(r.getString(0)).put(r.getString(1), r.getInt(2));
    }
    Broadcast<Map<String, Map<String, Integer>>> shared =
        JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext()).broadcast(maps);
    List<Column> columns = new ArrayList<>(List.of(col("*")));
    for (String f : small) {
      UserDefinedFunction lookup = udf((UDF1<String, Integer>) value -> indexOf(shared.value().get(f), value), DataTypes.IntegerType);
      columns.add(lookup.apply(valueOf(f)).as(idColumn(f)));
    }
    return out.select(columns.toArray(Column[]::new));
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
