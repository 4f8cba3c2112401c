package io.infnet.features.spark;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
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

  /** The table as it was at {@code version} (time travel). */
  public static Dataset<Row> readVersion(SparkSession spark, String path, long version) {
    requireTable(spark, path);
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  /** Replaces the whole table (data and schema). */
  public static void overwrite(Dataset<Row> data, String path, String... partitionColumns) {
    data.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .partitionBy(partitionColumns).save(path);
  }

  /** Replaces the rows matching {@code predicate} with {@code data} in one commit; every row of {@code data} must match it. */
  public static void replaceWhere(Dataset<Row> data, String path, String predicate) {
    data.write().format("delta").mode("overwrite").option("replaceWhere", predicate).save(path);
  }

  /** Makes the table's content (data and metadata) that of {@code version} again, as a new commit. */
  public static void restore(SparkSession spark, String path, long version) {
    DeltaTable.forPath(spark, path).restoreToVersion(version);
  }

  public static void append(Dataset<Row> data, String path) {
    data.write().format("delta").mode("append").option("mergeSchema", "true").save(path);
  }

  public static long version(SparkSession spark, String path) {
    requireTable(spark, path);
    return DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
  }

  /** One commit of a table's log: its version, operation (WRITE, MERGE, ...) and operation metrics (as Delta 3 and 4 name them). */
  public record Commit(long version, String operation, Map<String, String> metrics) {
    /** The rows a WRITE (append, overwrite, replaceWhere) put in the table, counted by Delta while writing. */
    public OptionalLong rowsWritten() {
      String rows = "WRITE".equals(operation) ? metrics.get("numOutputRows") : null;
      return rows == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(rows));
    }
  }

  /** The table's latest commit, read from its log (no Spark job, unlike counting the rows it wrote). */
  public static Commit lastCommit(SparkSession spark, String path) {
    requireTable(spark, path);
    Row last = DeltaTable.forPath(spark, path).history(1).select("version", "operation", "operationMetrics").first();
    return new Commit(last.getLong(0), last.getString(1), last.isNullAt(2) ? Map.of() : last.getJavaMap(2));
  }

  /** The table's id: fixed when the table is created, kept by overwrites, new if the folder is deleted and rewritten. */
  public static String tableId(SparkSession spark, String path) {
    requireTable(spark, path);
    return DeltaTable.forPath(spark, path).detail().select("id").first().getString(0);
  }

  /** Deletes the table's folder, data and log, if there is one. */
  public static void delete(SparkSession spark, String path) {
    Path folder = new Path(path);
    try {
      folder.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(folder, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path + ": " + e.getMessage(), e);
    }
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

  /** Removes user properties from the table (one commit; absent ones are ignored). */
  public static void unsetProperties(SparkSession spark, String path, java.util.Collection<String> names) {
    if (names.isEmpty()) return;
    StringBuilder sql = new StringBuilder("ALTER TABLE delta.`").append(path.replace("`", "``")).append("` UNSET TBLPROPERTIES IF EXISTS (");
    String separator = "";
    for (String name : names) {
      sql.append(separator).append(sqlString(name));
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
