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
 * quoted commas), a Delta table or Parquet; it must match the declared schema of {@link RawSchemas}.
 */
public final class RawImport {
  private RawImport() {}

  /** What was imported. */
  public record Imported(long logRows, long userRows, long videoRows) {}

  /** Replaces the lake's raw log, users and videos with the given inputs. */
  public static Imported run(SparkSession spark, InfnetConfig config, String log, String users, String videos) {
    LakePaths lake = LakePaths.of(config);
    Dataset<Row> logRows = read(spark, log, RawSchemas.LOG, "log");
    Dataset<Row> userRows = read(spark, users, RawSchemas.USERS, "users");
    Dataset<Row> videoRows = read(spark, videos, RawSchemas.VIDEOS, "videos");
    Delta.overwrite(logRows, lake.rawLog(), "date");
    Delta.overwrite(userRows, lake.rawUsers());
    Delta.overwrite(videoRows, lake.rawVideos());
    return new Imported(Delta.read(spark, lake.rawLog()).count(), Delta.read(spark, lake.rawUsers()).count(),
        Delta.read(spark, lake.rawVideos()).count());
  }

  /** One input in its declared column order; fails naming the table and column if it does not match. */
  static Dataset<Row> read(SparkSession spark, String path, StructType schema, String tableName) {
    Dataset<Row> data;
    if (path.toLowerCase(Locale.ROOT).endsWith(".csv") || path.toLowerCase(Locale.ROOT).endsWith(".csv.gz")) {
      data = RawTables.readCsv(spark, path, schema);
    } else if (Delta.exists(spark, path)) {
      data = Delta.read(spark, path);
    } else {
      data = spark.read().parquet(path);
    }
    RawSchemas.requireSchema(data, schema, tableName);
    String[] names = schema.fieldNames();
    return data.selectExpr(names);
  }
}
