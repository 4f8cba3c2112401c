package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.infnet.features.spark.Delta;
import io.infnet.lake.Checksums;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.QuantileDiscretizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Quantile buckets of the numeric fields, fitted on the train split with Spark MLlib's QuantileDiscretizer.
 * Bucket ids follow MLlib's Bucketizer ([split_i, split_i+1) is bucket i) shifted by one, so that 0 is
 * missing (null or NaN) and ids are 1..B. Stored as a Delta table of (field, splits).
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
    List<String> fittable = withValues(train, fields);
    if (!fittable.isEmpty()) {
      Dataset<Row> numbers = train;
      String[] in = new String[fittable.size()], out = new String[fittable.size()];
      for (int i = 0; i < in.length; i++) {
        in[i] = "__num_" + fittable.get(i);
        out[i] = "__bucket_" + fittable.get(i);
        numbers = numbers.withColumn(in[i], col(fittable.get(i)).cast("double"));
      }
      Bucketizer fitted = new QuantileDiscretizer().setInputCols(in).setOutputCols(out).setNumBuckets(buckets)
          .setHandleInvalid("keep").fit(numbers.select(Arrays.stream(in).map(c -> col(c)).toArray(Column[]::new)));
      double[][] arrays = fitted.getSplitsArray();
      for (int i = 0; i < in.length; i++) splits.put(fittable.get(i), arrays[i]);
    }
    Map<String, double[]> ordered = new LinkedHashMap<>();
    for (String f : fields) ordered.put(f, splits.getOrDefault(f, ONE_BUCKET));
    return new NumericBuckets(ordered);
  }

  /** Fields with at least one non-null, non-NaN train value: the others get a single bucket. */
  private static List<String> withValues(Dataset<Row> train, List<String> fields) {
    if (fields.isEmpty()) return List.of();
    List<Column> counts = new ArrayList<>();
    for (String f : fields) {
      Column v = col(f).cast("double");
      counts.add(count(when(v.isNotNull().and(isnan(v).equalTo(false)), 1)));
    }
    Row r = train.agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new)).first();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) if (r.getLong(i) > 0) out.add(fields.get(i));
    return out;
  }

  /** The stored splits at Delta version {@code version} (pinned by the caller, who records it). */
  static NumericBuckets load(SparkSession spark, String path, long version, List<String> fields) {
    Map<String, double[]> stored = new LinkedHashMap<>();
    for (Row r : Delta.readVersion(spark, path, version).collectAsList()) {
      List<Double> s = r.getList(1);
      stored.put(r.getString(0), s.stream().mapToDouble(Double::doubleValue).toArray());
    }
    Map<String, double[]> ordered = new LinkedHashMap<>();
    for (String f : fields) {
      double[] s = stored.get(f);
      if (s == null) {
        throw new IllegalArgumentException("features.freeze_vocabulary=true but the stored bucket splits at " + path
            + " have no field '" + f + "' (they have " + stored.keySet() + ")");
      }
      ordered.put(f, s);
    }
    return new NumericBuckets(ordered);
  }

  /** @return the Delta version written */
  long save(SparkSession spark, String path) {
    List<Row> rows = new ArrayList<>();
    splits.forEach((f, s) -> rows.add(RowFactory.create(f, Arrays.stream(s).boxed().toList())));
    Delta.overwrite(spark.createDataFrame(rows, SCHEMA), path);
    return Delta.version(spark, path);
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
