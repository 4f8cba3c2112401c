package io.infnet.features.spark;

import io.delta.tables.DeltaTable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Small Delta Lake helpers shared by the generator and the feature build (Delta 3.3 and 4.0 APIs alike). */
public final class Delta {
  private Delta() {}

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  public static Dataset<Row> read(SparkSession spark, String path) {
    requireTable(spark, path);
    return spark.read().format("delta").load(path);
  }

  /** Replaces the whole table (data and schema). */
  public static void overwrite(Dataset<Row> data, String path, String... partitionColumns) {
    data.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .partitionBy(partitionColumns).save(path);
  }

  public static void append(Dataset<Row> data, String path) {
    data.write().format("delta").mode("append").option("mergeSchema", "true").save(path);
  }

  public static long version(SparkSession spark, String path) {
    requireTable(spark, path);
    return DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
  }

  public static Map<String, String> properties(SparkSession spark, String path) {
    requireTable(spark, path);
    Row detail = DeltaTable.forPath(spark, path).detail().select("properties").first();
    Map<String, String> out = new TreeMap<>();
    if (!detail.isNullAt(0)) out.putAll(detail.getJavaMap(0));
    return out;
  }

  /** Sets user properties on the table (one commit). */
  public static void setProperties(SparkSession spark, String path, Map<String, String> properties) {
    StringBuilder sql = new StringBuilder("ALTER TABLE delta.`").append(path.replace("`", "``")).append("` SET TBLPROPERTIES (");
    String separator = "";
    for (Map.Entry<String, String> e : new LinkedHashMap<>(properties).entrySet()) {
      sql.append(separator).append(sqlString(e.getKey())).append(" = ").append(sqlString(e.getValue()));
      separator = ", ";
    }
    spark.sql(sql.append(")").toString());
  }

  private static String sqlString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static void requireTable(SparkSession spark, String path) {
    if (!exists(spark, path)) throw new IllegalArgumentException("no Delta table at " + path);
  }
}
