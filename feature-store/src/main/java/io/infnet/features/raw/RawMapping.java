package io.infnet.features.raw;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A declared mapping of a foreign interaction file (one row per user–item interaction) onto the raw tables,
 * so that the ordinary feature build reads it: which source column is the user, which the item, which the
 * time axis; the other source columns are kept on the log as extension columns {@code x_<source column>}
 * (features or label sources, chosen by the config); {@code labels} are the tasks' label rules over the log
 * columns (what {@code tasks.labels} must say). Users and videos get one row per distinct id, every other
 * declared column missing: the source has no profile tables. Declared log columns the source lacks (flags,
 * play time, tab, hourmin) are null.
 *
 * @param source the file's columns, in order (the CSV header must name them)
 * @param ranges inclusive [min, max] per integer source column: a value outside (or null) means the file does
 *     not fit the mapping, and nothing is imported
 */
public record RawMapping(String name, StructType source, String user, String item, PeriodsAgo time, List<String> extensions,
    Map<String, int[]> ranges, Map<String, String> labels) {

  private static final long DAY_MS = 86_400_000L;
  private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.ofPattern("yyyyMMdd");

  /**
   * A time axis without real time: {@code column} counts periods back from the most recent one (1 = most
   * recent, {@code oldest} = first). Period k becomes the synthetic day {@code firstDay + (oldest − k)} at
   * 00:00 UTC, one day per period, so that date splits select whole periods and every interaction of a period
   * shares one timestamp (and so never enters another's point-in-time sequence).
   */
  public record PeriodsAgo(String column, int oldest, LocalDate firstDay) {
    /** The synthetic day of {@code periodsAgo}. */
    public LocalDate day(int periodsAgo) {
      return firstDay.plusDays(oldest - periodsAgo);
    }

    Column dateColumn() {
      Column date = lit(null).cast("int");
      for (int k = 1; k <= oldest; k++) date = when(col(column).equalTo(k), Integer.parseInt(day(k).format(YYYYMMDD))).otherwise(date);
      return date;
    }

    Column timeMsColumn() {
      return lit(day(1).toEpochDay() * DAY_MS).minus(col(column).cast("long").minus(1).multiply(DAY_MS));
    }
  }

  /** The three raw tables built from one source file. */
  public record Tables(Dataset<Row> log, Dataset<Row> users, Dataset<Row> videos) {}

  public static String extensionColumn(String sourceColumn) {
    return RawSchemas.EXTENSION_PREFIX + sourceColumn;
  }

  /** Reads {@code path} (CSV, header checked against {@link #source}), checks the ranges, maps it. */
  public Tables apply(SparkSession spark, String path) {
    Dataset<Row> rows = RawTables.readCsv(spark, path, source);
    requireRanges(rows, path);
    Dataset<Row> log = rows.select(logColumns());
    return new Tables(log, keysOnly(log, "user_id", RawSchemas.USERS), keysOnly(log, "video_id", RawSchemas.VIDEOS));
  }

  private Column[] logColumns() {
    List<Column> columns = new ArrayList<>();
    for (StructField f : RawSchemas.LOG.fields()) {
      Column value = switch (f.name()) {
        case "user_id" -> col(user);
        case "video_id" -> col(item);
        case "date" -> time.dateColumn();
        case "time_ms" -> time.timeMsColumn();
        default -> lit(null);
      };
      columns.add(value.cast(f.dataType()).as(f.name()));
    }
    for (String c : extensions) columns.add(col(c).as(extensionColumn(c)));
    return columns.toArray(Column[]::new);
  }

  /** One row per distinct {@code key} of the log, every other column of {@code schema} null. */
  private static Dataset<Row> keysOnly(Dataset<Row> log, String key, StructType schema) {
    List<Column> columns = new ArrayList<>();
    for (StructField f : schema.fields()) columns.add((f.name().equals(key) ? col(key) : lit(null)).cast(f.dataType()).as(f.name()));
    return log.where(col(key).isNotNull()).select(key).distinct().select(columns.toArray(Column[]::new));
  }

  /** Fails naming the file, the column, how many rows and an example if a value is null or outside its range. */
  private void requireRanges(Dataset<Row> rows, String path) {
    List<Map.Entry<String, int[]>> checks = new ArrayList<>(ranges.entrySet());
    List<Column> aggs = new ArrayList<>();
    for (Map.Entry<String, int[]> e : checks) {
      Column v = col(e.getKey());
      Column bad = v.isNull().or(v.lt(e.getValue()[0])).or(v.gt(e.getValue()[1]));
      aggs.add(count(when(bad, 1)));
      aggs.add(min(when(bad, to_json(struct(col("*"))))));
    }
    Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    for (int i = 0; i < checks.size(); i++) {
      long bad = r.getLong(2 * i);
      if (bad > 0) {
        int[] range = checks.get(i).getValue();
        throw new IllegalArgumentException(name + " file " + path + ": column " + checks.get(i).getKey() + " has " + bad
            + " rows null or outside " + range[0] + ".." + range[1] + " (e.g. " + r.getString(2 * i + 1) + ")");
      }
    }
  }
}
