package io.infnet.features.raw;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Loads raw tables supplied by a user (e.g. the official KuaiRand-Pure logs) into the lake's raw Delta
 * tables, where the feature build reads them. Each input is a CSV file or folder (KuaiRand format: header,
 * quoted commas), a Delta table or Parquet; it must match the declared schema of {@link RawSchemas}. A file of
 * another layout is loaded through a declared {@link RawMapping} ({@link #runMapped}).
 */
public final class RawImport {
  private RawImport() {}

  /** What was imported. */
  public record Imported(long logRows, long userRows, long videoRows) {}

  /** Replaces the lake's raw log, users and videos with the given inputs (and deletes the generator's oracle). */
  public static Imported run(SparkSession spark, InfnetConfig config, String log, String users, String videos) {
    LakePaths lake = LakePaths.of(config);
    Dataset<Row> logRows = read(spark, log, RawSchemas.LOG, "log");
    Dataset<Row> userRows = read(spark, users, RawSchemas.USERS, "users");
    Dataset<Row> videoRows = read(spark, videos, RawSchemas.VIDEOS, "videos");
    return write(spark, lake, logRows, userRows, videoRows);
  }

  /** Replaces the lake's raw tables with those {@code mapping} makes of the file at {@code path}. */
  public static Imported runMapped(SparkSession spark, InfnetConfig config, RawMapping mapping, String path) {
    RawMapping.Tables t = mapping.apply(spark, path);
    return write(spark, LakePaths.of(config), t.log(), t.users(), t.videos());
  }

  /** Imported data has no known true probabilities: the generator's oracle of a previous log goes with that log. */
  private static Imported write(SparkSession spark, LakePaths lake, Dataset<Row> log, Dataset<Row> users, Dataset<Row> videos) {
    OracleTable.delete(spark, lake);
    Delta.overwrite(log, lake.rawLog(), "date");
    Delta.overwrite(users, lake.rawUsers());
    Delta.overwrite(videos, lake.rawVideos());
    return new Imported(Delta.read(spark, lake.rawLog()).count(), Delta.read(spark, lake.rawUsers()).count(),
        Delta.read(spark, lake.rawVideos()).count());
  }

  /** One input in its declared column order; fails naming the table and column if it does not match. */
  public static Dataset<Row> read(SparkSession spark, String path, StructType schema, String tableName) {
    Dataset<Row> data;
    if (path.toLowerCase(Locale.ROOT).endsWith(".csv") || path.toLowerCase(Locale.ROOT).endsWith(".csv.gz")) {
      data = RawTables.readCsv(spark, path, schema);
    } else if (Delta.exists(spark, path)) {
      data = Delta.read(spark, path);
    } else {
      data = spark.read().parquet(path);
    }
    RawSchemas.requireSchema(data, schema, tableName);
    return data.selectExpr(RawSchemas.columnsOf(data, schema));
  }
}
