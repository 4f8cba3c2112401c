package io.infnet.features.raw;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.AllOrNothing;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * One day of raw log into the lake ({@code bin/infnet ingest}); the whole-lake {@link RawImport} stays for first
 * loads. Days come twice, late or not at all, so each outcome is defined (docs/DATA_POLICY.md, "Daily ingest"):
 * <ul>
 *   <li>Every input is read and checked before the first write as any raw input is ({@link RawInput}: schema, every
 *       value, keys, duplicate ids), plus the day of every row, from a local checkpoint, so the rows checked are the
 *       rows written.</li>
 *   <li>The log's day is replaced in one {@code replaceWhere} commit: a day delivered again replaces itself, and a
 *       rerun gives the same table.</li>
 *   <li>Users and videos are MERGEd by id: a changed profile is updated in place, its previous state stays readable
 *       by Delta time travel.</li>
 *   <li>The three tables are separate commits: if a later write fails, the tables already written are restored to
 *       their versions before the ingest ({@link AllOrNothing}); after a crash, rerunning the same ingest repairs the lake.</li>
 *   <li>The generator's oracle belongs to one log version ({@link OracleTable}); ingested rows have none, so it is
 *       deleted, as {@link RawImport} does.</li>
 * </ul>
 */
public final class DailyIngest {
  /** Log table property per ingested day, {@code infnet.ingest.<yyyyMMdd> = <ISO instant>,<rows>}: for late-data checks. */
  public static final String PROPERTY_PREFIX = "infnet.ingest.";

  private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  private DailyIngest() {}

  /** The files of one day: the log (required), users and videos (null when not delivered). */
  public record Inputs(String log, String users, String videos) {}

  /** What the ingest did; the versions are the tables' Delta versions afterwards (-1: no table). */
  public record Ingested(int date, long logRows, long replacedLogRows, long usersInserted, long usersUpdated,
      long videosInserted, long videosUpdated, long logVersion, long usersVersion, long videosVersion) {
    public LocalDate day() {
      return LocalDate.parse(String.valueOf(date), BASIC);
    }
  }

  /** A day as the log stores it (int yyyyMMdd) from yyyy-MM-dd or yyyyMMdd. */
  public static int parseDate(String text) {
    for (DateTimeFormatter format : List.of(ISO, BASIC)) {
      try {
        return Integer.parseInt(LocalDate.parse(text, format).format(BASIC));
      } catch (DateTimeParseException e) {
        // try the other format
      }
    }
    throw new IllegalArgumentException("date '" + text + "' is not a day as yyyy-MM-dd or yyyyMMdd");
  }

  /** Adds or replaces day {@code date} of the lake's raw log and upserts the users and videos given. */
  public static Ingested run(SparkSession spark, InfnetConfig config, int date, Inputs inputs, boolean allowEmpty) {
    return run(spark, LakePaths.of(config), date, inputs, allowEmpty, table -> {});
  }

  /** {@code beforeWrite} hears each table's name ("log", "users", "videos") before it is written: tests fail one there. */
  static Ingested run(SparkSession spark, LakePaths lake, int date, Inputs inputs, boolean allowEmpty, Consumer<String> beforeWrite) {
    RawInput.Checked log = checkLog(spark, inputs.log(), date, allowEmpty, lake.rawLog());
    RawInput.Checked users = checkProfiles(spark, inputs.users(), RawSchemas.USERS, allowEmpty, lake.rawUsers());
    RawInput.Checked videos = checkProfiles(spark, inputs.videos(), RawSchemas.VIDEOS, allowEmpty, lake.rawVideos());
    OracleTable.delete(spark, lake);
    return AllOrNothing.write(spark, List.of(lake.rawLog(), lake.rawUsers(), lake.rawVideos()), () -> {
      beforeWrite.accept("log");
      long replaced = writeDay(spark, log, date, lake.rawLog());
      beforeWrite.accept("users");
      Merged u = upsert(spark, users, "user_id", lake.rawUsers());
      beforeWrite.accept("videos");
      Merged v = upsert(spark, videos, "video_id", lake.rawVideos());
      return new Ingested(date, log.rows(), replaced, u.inserted(), u.updated(), v.inserted(), v.updated(),
          version(spark, lake.rawLog()), version(spark, lake.rawUsers()), version(spark, lake.rawVideos()));
    });
  }

  /** The log file: checked as any raw input ({@link RawInput}: schema, values, keys), the lake's columns, every row of day {@code date}. */
  private static RawInput.Checked checkLog(SparkSession spark, String path, int date, boolean allowEmpty, String tablePath) {
    RawInput.Checked log = checkedInput(spark, path, RawSchemas.LOG, allowEmpty, tablePath);
    Column otherDay = col("date").notEqual(date);
    Row r = log.data().agg(count(when(otherDay, 1)), min(when(otherDay, col("date")))).first();
    if (r.getLong(0) > 0) {
      throw new InvalidInput("log", path, String.format("%,d rows have a date other than %d (e.g. %s)", r.getLong(0), date, r.get(1)), null);
    }
    return log;
  }

  /** A users or videos file (null: not delivered), checked as any raw input (ids present and unique) and against the lake's columns. */
  private static RawInput.Checked checkProfiles(SparkSession spark, String path, StructType schema, boolean allowEmpty, String tablePath) {
    return path == null ? null : checkedInput(spark, path, schema, allowEmpty, tablePath);
  }

  private static RawInput.Checked checkedInput(SparkSession spark, String path, StructType schema, boolean allowEmpty, String tablePath) {
    RawInput.Checked input = RawInput.read(spark, path, schema, allowEmpty);
    columnDifference(spark, input.data(), tablePath).ifPresent(d -> {
      throw new InvalidInput(RawSchemas.tableName(schema), path, d, null);
    });
    return input;
  }

  /** A day's columns must be the lake table's: a new or missing x_ extension column would change it for every day. */
  private static Optional<String> columnDifference(SparkSession spark, Dataset<Row> data, String tablePath) {
    if (!Delta.exists(spark, tablePath)) return Optional.empty();
    Set<String> file = new TreeSet<>(Arrays.asList(data.columns()));
    Set<String> table = new TreeSet<>(Arrays.asList(Delta.read(spark, tablePath).columns()));
    if (file.equals(table)) return Optional.empty();
    Set<String> onlyFile = new TreeSet<>(file);
    onlyFile.removeAll(table);
    table.removeAll(file);
    return Optional.of("its columns differ from the lake's table " + tablePath + ": only in the file " + onlyFile + ", only in the table " + table);
  }

  /**
   * The day's partition replaced in one commit (the log created partitioned by date if new), then the day recorded in
   * the log's properties; returns the rows it replaced.
   */
  private static long writeDay(SparkSession spark, RawInput.Checked log, int date, String path) {
    String day = "date = " + date;
    long replaced = 0;
    if (Delta.exists(spark, path)) {
      replaced = Delta.read(spark, path).where(day).count();
      Delta.replaceWhere(log.data(), path, day);
    } else {
      Delta.overwrite(log.data(), path, "date");
    }
    recordIngest(spark, path, date, log.rows());
    return replaced;
  }

  /** When each day was last ingested, and its rows: what shows that a day changed after the features were built. */
  private static void recordIngest(SparkSession spark, String logPath, int date, long rows) {
    Delta.setProperties(spark, logPath, Map.of(PROPERTY_PREFIX + date, Instant.now() + "," + rows));
  }

  private record Merged(long inserted, long updated) {
    static final Merged NONE = new Merged(0, 0);
  }

  /** MERGE by {@code key} (the table created if new); a matched row is rewritten only if a column differs, so a rerun changes nothing. */
  private static Merged upsert(SparkSession spark, RawInput.Checked input, String key, String path) {
    if (input == null) return Merged.NONE;
    if (!Delta.exists(spark, path)) {
      Delta.overwrite(input.data(), path);
      return new Merged(input.rows(), 0);
    }
    long before = Delta.version(spark, path);
    String same = Arrays.stream(input.data().columns()).map(c -> "t.`" + c + "` <=> s.`" + c + "`").collect(Collectors.joining(" AND "));
    DeltaTable.forPath(spark, path).as("t").merge(input.data().as("s"), "t.`" + key + "` = s.`" + key + "`")
        .whenMatched("NOT (" + same + ")").updateAll()
        .whenNotMatched().insertAll()
        .execute();
    return mergedSince(spark, path, before);
  }

  /** The MERGE's counts from its commit's operation metrics (same in Delta 3 and 4); no commit: nothing changed. */
  private static Merged mergedSince(SparkSession spark, String path, long before) {
    Delta.Commit last = Delta.lastCommit(spark, path);
    if (last.version() == before) return Merged.NONE;
    Map<String, String> metrics = last.metrics();
    return new Merged(Long.parseLong(metrics.getOrDefault("numTargetRowsInserted", "0")),
        Long.parseLong(metrics.getOrDefault("numTargetRowsUpdated", "0")));
  }

  private static long version(SparkSession spark, String path) {
    return Delta.exists(spark, path) ? Delta.version(spark, path) : -1;
  }
}
