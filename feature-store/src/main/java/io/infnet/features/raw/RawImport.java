package io.infnet.features.raw;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.AllOrNothing;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Loads raw tables supplied by a user (e.g. the official KuaiRand-Pure logs) into the lake's raw Delta
 * tables, where the feature build reads them. Each input is a CSV file or folder (KuaiRand format: header,
 * quoted commas), a Delta table or Parquet; it must match the declared schema of {@link RawSchemas}. A file of
 * another layout is loaded through a declared {@link RawMapping} ({@link #runMapped}).
 *
 * <p>All or nothing: every input is read and checked completely ({@link RawInput}) before the first write, and the
 * three tables are then replaced together ({@link AllOrNothing}): if a later write fails, the earlier ones are restored.
 */
public final class RawImport {
  private RawImport() {}

  /** What was imported. */
  public record Imported(long logRows, long userRows, long videoRows) {}

  /**
   * Replaces the lake's raw log, users and videos with the given inputs (and deletes the generator's oracle).
   *
   * @param allowEmpty whether an input without rows may replace a table
   * @throws InvalidInput for an input that cannot be loaded; nothing was written
   */
  public static Imported run(SparkSession spark, InfnetConfig config, String log, String users, String videos, boolean allowEmpty) {
    return run(spark, LakePaths.of(config), log, users, videos, allowEmpty, table -> {});
  }

  /** {@code beforeWrite} hears each table's name ("log", "users", "videos") before it is written: tests fail one there. */
  static Imported run(SparkSession spark, LakePaths lake, String log, String users, String videos, boolean allowEmpty,
      Consumer<String> beforeWrite) {
    RawInput.Checked logRows = RawInput.read(spark, log, RawSchemas.LOG, allowEmpty);
    RawInput.Checked userRows = RawInput.read(spark, users, RawSchemas.USERS, allowEmpty);
    RawInput.Checked videoRows = RawInput.read(spark, videos, RawSchemas.VIDEOS, allowEmpty);
    write(spark, lake, logRows.data(), userRows.data(), videoRows.data(), beforeWrite);
    return new Imported(logRows.rows(), userRows.rows(), videoRows.rows());
  }

  /** Replaces the lake's raw tables with those {@code mapping} makes of the file at {@code path}. */
  public static Imported runMapped(SparkSession spark, InfnetConfig config, RawMapping mapping, String path) {
    RawMapping.Tables t = mapping.apply(spark, path);
    LakePaths lake = LakePaths.of(config);
    write(spark, lake, t.log(), t.users(), t.videos(), table -> {});
    return new Imported(Delta.read(spark, lake.rawLog()).count(), Delta.read(spark, lake.rawUsers()).count(),
        Delta.read(spark, lake.rawVideos()).count());
  }

  /** Imported data has no known true probabilities: the generator's oracle of a previous log goes with that log. */
  private static void write(SparkSession spark, LakePaths lake, Dataset<Row> log, Dataset<Row> users, Dataset<Row> videos,
      Consumer<String> beforeWrite) {
    OracleTable.delete(spark, lake);
    AllOrNothing.write(spark, List.of(lake.rawLog(), lake.rawUsers(), lake.rawVideos()), () -> {
      beforeWrite.accept("log");
      Delta.overwrite(log, lake.rawLog(), "date");
      beforeWrite.accept("users");
      Delta.overwrite(users, lake.rawUsers());
      beforeWrite.accept("videos");
      Delta.overwrite(videos, lake.rawVideos());
      return null;
    });
  }
}
