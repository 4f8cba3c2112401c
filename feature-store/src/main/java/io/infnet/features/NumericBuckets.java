package io.infnet.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.infnet.features.spark.Delta;
import io.infnet.lake.Checksums;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Quantile buckets of the numeric fields, fitted on the train split (exact quantiles, split as MLlib's
 * QuantileDiscretizer lays them out). Bucket ids follow MLlib's Bucketizer ([split_i, split_i+1) is bucket i) shifted
 * by one, so that 0 is missing (null or NaN) and ids are 1..B. Stored as a Delta table of (field, splits).
 */
final class NumericBuckets {
  private static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("field", DataTypes.StringType, false),
      DataTypes.createStructField("splits", DataTypes.createArrayType(DataTypes.DoubleType, false), false)));
  private static final double[] ONE_BUCKET = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};

  private final Map<String, double[]> splits;

  private NumericBuckets(Map<String, double[]> splits) {
    this.splits = splits;
  }

  static NumericBuckets fit(Dataset<Row> train, List<String> fields, int buckets) {
    Map<String, double[]> splits = new LinkedHashMap<>();
    Map<Integer, double[]> fitted = fields.isEmpty() ? Map.of() : exactQuantileSplits(train, fields, buckets);
    for (int i = 0; i < fields.size(); i++) splits.put(fields.get(i), fitted.getOrDefault(i, ONE_BUCKET));
    return new NumericBuckets(splits);
  }

  /**
   * Per field with at least one non-null, non-NaN train value (by index in {@code fields}): −∞, the exact quantiles at
   * 1/B .. (B−1)/B of its values (the value at 0-based rank ⌈p·n⌉ − 1 of the sorted values), +∞, without repeats, as
   * MLlib's QuantileDiscretizer lays out splits. Exact rather than MLlib's approxQuantile: its Greenwald–Khanna
   * summaries depend on how rows fall into partitions, so a rerun with another partition count gave other splits and
   * other bucket ids (DeterministicRerunTest). Cost: one distributed sort of the (field, value) pairs.
   */
  private static Map<Integer, double[]> exactQuantileSplits(Dataset<Row> train, List<String> fields, int buckets) {
    Column[] pairs = new Column[fields.size()];
    for (int i = 0; i < pairs.length; i++) pairs[i] = struct(lit(i).as("f"), col(fields.get(i)).cast("double").as("v"));
    Dataset<Row> values = train.select(explode(array(pairs)).as("p")).select(col("p.f").as("f"), col("p.v").as("v"))
        .where(col("v").isNotNull().and(not(isnan(col("v"))))).persist(StorageLevel.MEMORY_AND_DISK()); // counted, then sorted
    long[] counts = new long[fields.size()];
    for (Row r : values.groupBy("f").count().collectAsList()) counts[r.getInt(0)] = r.getLong(1);
    Set<Long> ranks = quantileRanks(counts, buckets);
    Map<Integer, TreeSet<Double>> quantiles = new TreeMap<>();
    for (Tuple2<Row, Long> hit : values.orderBy("f", "v").javaRDD().zipWithIndex().filter(t -> ranks.contains(t._2())).collect()) {
      quantiles.computeIfAbsent(hit._1().getInt(0), f -> new TreeSet<>()).add(hit._1().getDouble(1));
    }
    values.unpersist();
    Map<Integer, double[]> splits = new TreeMap<>();
    quantiles.forEach((f, q) -> {
      q.add(Double.NEGATIVE_INFINITY);
      q.add(Double.POSITIVE_INFINITY);
      splits.put(f, q.stream().mapToDouble(Double::doubleValue).toArray());
    });
    return splits;
  }

  /** The global ranks, in the (field, value) order, of each field's quantiles at 1/B .. (B−1)/B. */
  private static Set<Long> quantileRanks(long[] counts, int buckets) {
    Set<Long> ranks = new HashSet<>();
    long offset = 0;
    for (long n : counts) {
      for (int i = 1; n > 0 && i < buckets; i++) ranks.add(offset + Math.max(0, (long) Math.ceil((double) i * n / buckets) - 1));
      offset += n;
    }
    return ranks;
  }

  /** The stored splits at Delta version {@code version} (pinned by the caller, who records it). */
  static NumericBuckets load(SparkSession spark, String path, long version, List<String> fields) {
    return of(Delta.readVersion(spark, path, version), "features.freeze_vocabulary=true but the stored bucket splits at " + path, fields);
  }

  /**
   * The splits of (field, splits) rows, e.g. those an encoding stage saved; every field must be there.
   *
   * @param what the rows, as the error for a missing field begins ("the bucket splits saved at …")
   */
  static NumericBuckets of(Dataset<Row> rows, String what, List<String> fields) {
    Map<String, double[]> stored = new LinkedHashMap<>();
    for (Row r : rows.collectAsList()) {
      List<Double> s = r.getList(1);
      stored.put(r.getString(0), s.stream().mapToDouble(Double::doubleValue).toArray());
    }
    Map<String, double[]> ordered = new LinkedHashMap<>();
    for (String f : fields) {
      double[] s = stored.get(f);
      if (s == null) {
        throw new IllegalArgumentException(what + " have no field '" + f + "' (they have " + stored.keySet() + ")");
      }
      ordered.put(f, s);
    }
    return new NumericBuckets(ordered);
  }

  /** @return the Delta version written */
  long save(SparkSession spark, String path) {
    Delta.overwrite(rows(spark), path);
    return Delta.version(spark, path);
  }

  /** The (field, splits) rows. */
  Dataset<Row> rows(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    splits.forEach((f, s) -> rows.add(RowFactory.create(f, Arrays.stream(s).boxed().toList())));
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** sha256 of the fields and their splits in order: equal hashes, equal bucket ids for equal values. */
  String contentHash() {
    StringBuilder text = new StringBuilder();
    splits.forEach((f, s) -> text.append(f).append('=').append(Arrays.toString(s)).append('\n'));
    return Checksums.sha256(text.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }

  /** Buckets + 1 (for "missing"). */
  int cardinality(String field) {
    return splits.get(field).length;
  }

  double[] splits(String field) {
    return splits.get(field).clone();
  }

  /** Adds {@code __id_<field>}: 0 if null or NaN, else 1 + the number of inner splits at or below the value. */
  Dataset<Row> encode(Dataset<Row> rows) {
    List<Column> columns = new ArrayList<>(List.of(col("*")));
    for (Map.Entry<String, double[]> e : splits.entrySet()) {
      Column v = col(e.getKey()).cast("double");
      Column bucket = lit(1);
      double[] s = e.getValue();
      for (int i = 1; i < s.length - 1; i++) bucket = bucket.plus(when(v.geq(s[i]), 1).otherwise(0));
      columns.add(when(v.isNull().or(isnan(v)), 0).otherwise(bucket).as(Vocabulary.idColumn(e.getKey())));
    }
    return rows.select(columns.toArray(Column[]::new));
  }
}
