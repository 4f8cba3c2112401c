package io.infnet.features.raw;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;

import io.infnet.features.spark.Delta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * One raw input (log, users or videos; CSV, Parquet or Delta) read and checked completely before anything is written,
 * the way in of both {@code import} and {@code ingest} (docs/DATA_POLICY.md, "The way in"). Rows are numbered in file
 * order and materialized (a local checkpoint), so the rows checked are the rows written, and a refusal names the file,
 * the first bad row, its column and value and what was expected, with the count of such rows.
 *
 * <p>A CSV is matched to the schema by its header's names (any order; a byte-order mark and CRLF line ends are fine)
 * and read as text, so every value's parse is checked here rather than failing inside a Spark task with "For input
 * string". Extension columns ({@code x_name}, log only) get the narrowest of long, double or string that all values fit.
 */
public final class RawInput {
  static final String ROW = "__row";
  private static final String CORRUPT = "__corrupt_record";
  private static final int MAX_PROBLEMS = 5;
  private static final long MAX_TIME_MS = 253_402_300_799_999L; // 9999-12-31T23:59:59.999Z
  private static final long DAY_MS = 86_400_000L;

  private RawInput() {}

  /** The typed input (declared columns in order, then extension columns), materialized, and its row count. */
  public record Checked(Dataset<Row> data, long rows) {}

  /**
   * Reads and checks the input at {@code path} against {@code schema} (one of {@link RawSchemas}'s LOG, USERS, VIDEOS,
   * CANDIDATES).
   *
   * @param allowEmpty whether an input without rows (zero bytes, or a header only) is accepted
   * @throws InvalidInput naming the file, and the row, column and value where there is one
   */
  public static Checked read(SparkSession spark, String path, StructType schema, boolean allowEmpty) {
    String table = RawSchemas.tableName(schema);
    InputFormat format = InputFormat.of(spark, path, table);
    Source source;
    long rows;
    try {
      source = format == InputFormat.CSV ? csv(spark, path, schema, table) : typed(spark, path, format, schema, table);
      rows = requireValid(source, valueChecks(schema, source.typed()), allowEmpty, table, path);
      requireUniqueIds(source.data(), schema, table, path);
    } catch (InvalidInput e) {
      throw e;
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes; an IOException of the file system
      throw new InvalidInput(table, path, "cannot be read: " + innermostMessage(e), e);
    }
    return new Checked(source.data(), rows);
  }

  /** The input's numbered rows and each output column's typed value over them; {@code parseChecks}: values that did not parse. */
  private record Source(Dataset<Row> rows, Map<String, Column> typed, List<Check> parseChecks) {
    Dataset<Row> data() {
      return rows.select(typed.entrySet().stream().map(e -> e.getValue().as(e.getKey())).toArray(Column[]::new));
    }
  }

  /**
   * A rule every row must follow; {@code problem} describes a row breaking it, formatted with {@code example}'s value
   * there. {@code column} null: a rule about the whole row.
   */
  private record Check(String column, Column bad, Column example, String problem) {
    String describe(Row first, long count, long rows) {
      String where = "row " + first.getLong(0) + (column == null ? "" : ", column " + column);
      return where + ": " + String.format(problem, first.get(1)) + String.format(" (%,d of %,d rows)", count, rows);
    }
  }

  private static Source csv(SparkSession spark, String path, StructType schema, String table) throws IOException {
    Optional<List<String>> header = InputFormat.csvHeader(spark, path);
    if (header.isEmpty()) return empty(spark, schema);
    List<String> problems = headerProblems(header.get(), schema);
    if (!problems.isEmpty()) throw new InvalidInput(table, path, String.join("; ", problems), null);
    StructType text = new StructType();
    for (String name : header.get()) text = text.add(name, DataTypes.StringType);
    Dataset<Row> read = spark.read().option("header", "true").option("enforceSchema", "true") // names checked above
        .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
        .option("quote", "\"").option("escape", "\"")
        .schema(text.add(CORRUPT, DataTypes.StringType)).csv(path);
    Dataset<Row> rows = numbered(read).localCheckpoint(true);
    Map<String, Column> typed = new LinkedHashMap<>();
    List<Check> checks = new ArrayList<>();
    checks.add(new Check(null, col(CORRUPT).isNotNull(), col(CORRUPT),
        "malformed line '%s' (expected " + header.get().size() + " comma-separated fields, quotes closed)"));
    for (StructField f : schema.fields()) {
      Column value = tryCast(f.name(), f.dataType());
      typed.put(f.name(), value);
      checks.add(new Check(f.name(), col(f.name()).isNotNull().and(value.isNull()), col(f.name()), "'%s' is not " + typeName(f.dataType())));
    }
    List<String> extensions = header.get().stream().filter(RawInput::isExtension).toList();
    extensionTypes(rows, extensions).forEach((name, type) -> typed.put(name, tryCast(name, type)));
    return new Source(rows, typed, checks);
  }

  /**
   * Header names against the schema: every declared column once, nothing else but (log) {@code x_} extensions; the
   * order is free (the header says which column is which).
   */
  private static List<String> headerProblems(List<String> header, StructType schema) {
    String declared = "the " + schema.size() + " columns of the raw " + RawSchemas.tableName(schema) + " schema, docs/DATAGEN.md";
    Set<String> seen = new LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    for (String name : header) if (!seen.add(name)) problems.add("column '" + name + "' appears twice in the header");
    List<String> missing = new ArrayList<>();
    for (String name : schema.fieldNames()) if (!seen.remove(name)) missing.add("'" + name + "'");
    if (missing.size() == schema.size()) return List.of("the first line is not a header: expected " + declared + " by name");
    if (!missing.isEmpty()) problems.add("missing column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " (expected " + declared + ")");
    boolean extensible = RawSchemas.isExtensible(schema);
    for (String name : seen) {
      if (!(extensible && isExtension(name))) {
        problems.add("unexpected column '" + name + "' (not in " + declared
            + (extensible ? "; extension columns start with " + RawSchemas.EXTENSION_PREFIX : "") + ")");
      }
    }
    return problems;
  }

  /** For each extension column the narrowest type all its values parse as: long, else double, else string. */
  private static Map<String, DataType> extensionTypes(Dataset<Row> rows, List<String> extensions) {
    Map<String, DataType> types = new LinkedHashMap<>();
    if (extensions.isEmpty()) return types;
    List<Column> aggs = new ArrayList<>();
    for (String name : extensions) {
      aggs.add(count(when(col(name).isNotNull().and(tryCast(name, DataTypes.LongType).isNull()), 1)));
      aggs.add(count(when(col(name).isNotNull().and(tryCast(name, DataTypes.DoubleType).isNull()), 1)));
    }
    Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    for (int i = 0; i < extensions.size(); i++) {
      types.put(extensions.get(i), r.getLong(2 * i) == 0 ? DataTypes.LongType : r.getLong(2 * i + 1) == 0 ? DataTypes.DoubleType : DataTypes.StringType);
    }
    return types;
  }

  /** Parquet or Delta: types come with the file, so only the schema is checked here, then the values like a CSV's. */
  private static Source typed(SparkSession spark, String path, InputFormat format, StructType schema, String table) {
    Dataset<Row> data = format == InputFormat.DELTA ? Delta.read(spark, path) : spark.read().parquet(path);
    try {
      RawSchemas.requireSchema(data, schema, table);
    } catch (IllegalArgumentException e) {
      throw new InvalidInput(table, path, e.getMessage(), null);
    }
    String[] columns = RawSchemas.columnsOf(data, schema);
    Dataset<Row> rows = numbered(data.selectExpr(columns)).localCheckpoint(true);
    Map<String, Column> typed = new LinkedHashMap<>();
    for (String c : columns) typed.put(c, col(c));
    return new Source(rows, typed, List.of());
  }

  /** A CSV of zero bytes: no header to check, no rows. */
  private static Source empty(SparkSession spark, StructType schema) {
    Dataset<Row> rows = spark.createDataFrame(List.of(), schema.add(ROW, DataTypes.LongType, false));
    Map<String, Column> typed = new LinkedHashMap<>();
    for (String c : schema.fieldNames()) typed.put(c, col(c));
    return new Source(rows, typed, List.of());
  }

  /**
   * The rules of docs/DATA_POLICY.md ("The way in") that hold for every row: keys present, ids not negative, doubles
   * finite, and in the log a time_ms in range whose UTC day is the row's {@code date} or a day next to it.
   */
  private static List<Check> valueChecks(StructType schema, Map<String, Column> typed) {
    List<Check> checks = new ArrayList<>();
    for (String key : RawSchemas.keyColumns(schema)) {
      // col(key): the text for a CSV, so a value that did not parse is reported once, as such
      checks.add(new Check(key, col(key).isNull(), lit(""), "empty, but " + key + " is a key"));
    }
    for (StructField f : schema.fields()) {
      Column value = typed.get(f.name());
      if (f.name().endsWith("_id")) checks.add(new Check(f.name(), value.lt(0), value, "%s is negative, expected an id >= 0"));
      if (f.dataType().equals(DataTypes.DoubleType)) {
        checks.add(new Check(f.name(), isnan(value).or(value.isin(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)), value, "%s is not a finite number"));
      }
    }
    // candidates are keyed and timed like the log, so their times are held to the same rules
    if (schema == RawSchemas.LOG || schema == RawSchemas.CANDIDATES) checks.addAll(timeChecks(typed.get("time_ms"), typed.get("date")));
    return checks;
  }

  /**
   * time_ms must be epoch milliseconds between 1970 and 9999, and {@code date} its UTC day, give or take one day: time
   * zones (UTC-12..UTC+14) may shift a day, more means one of the two is wrong, and the row would land in the split of
   * a day it does not belong to. Relies on the session time zone being UTC ({@code SparkSessions}).
   */
  private static List<Check> timeChecks(Column timeMs, Column date) {
    Column inRange = timeMs.gt(0).and(timeMs.leq(MAX_TIME_MS));
    Column agrees = date.isin(utcDay(timeMs.minus(DAY_MS)), utcDay(timeMs), utcDay(timeMs.plus(DAY_MS)));
    Column example = format_string("date %d, time_ms %d (%s UTC)", date, timeMs,
        date_format(timestamp_seconds(floor(timeMs.divide(1000))), "yyyy-MM-dd HH:mm:ss"));
    return List.of(
        new Check("time_ms", not(inRange), timeMs, "%s is not epoch milliseconds between 1970 and 9999"),
        new Check("date", inRange.and(date.isNotNull()).and(not(agrees)), when(inRange, example),
            "%s: the date is more than a day away from time_ms's UTC day"));
  }

  private static Column utcDay(Column timeMs) {
    return date_format(timestamp_seconds(floor(timeMs.divide(1000))), "yyyyMMdd").cast("int");
  }

  /** All checks in one pass over the materialized rows; returns the row count, or throws naming the first problems. */
  private static long requireValid(Source source, List<Check> valueChecks, boolean allowEmpty, String table, String path) {
    List<Check> checks = new ArrayList<>(source.parseChecks());
    checks.addAll(valueChecks);
    List<Column> aggs = new ArrayList<>();
    for (Check c : checks) {
      aggs.add(count(when(c.bad(), 1)));
      aggs.add(min(when(c.bad(), struct(col(ROW), c.example().cast("string")))));
    }
    Row r = source.rows().agg(count(lit(1)), aggs.toArray(Column[]::new)).first();
    long rows = r.getLong(0);
    if (rows == 0 && !allowEmpty) {
      throw new InvalidInput(table, path, "no rows (an empty or header-only file): a missing delivery must not silently "
          + "become an empty table (--allow-empty accepts it)", null);
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      long bad = r.getLong(1 + 2 * i);
      if (bad > 0) problems.add(checks.get(i).describe(r.getStruct(2 + 2 * i), bad, rows));
    }
    if (!problems.isEmpty()) throw new InvalidInput(table, path, summarized(problems), null);
    return rows;
  }

  /** Users and videos are upserted and joined by id, so an id twice would duplicate impressions or break the MERGE. */
  private static void requireUniqueIds(Dataset<Row> data, StructType schema, String table, String path) {
    if (schema == RawSchemas.LOG || schema == RawSchemas.CANDIDATES) return;
    String id = RawSchemas.keyColumns(schema).get(0);
    Row r = data.groupBy(id).count().where(col("count").gt(1)).agg(count(lit(1)), min(col(id))).first();
    if (r.getLong(0) > 0) {
      throw new InvalidInput(table, path, String.format("%,d %s values occur more than once (e.g. %s)", r.getLong(0), id, r.get(1)), null);
    }
  }

  /** Rows numbered 1, 2, ... in the order they are read (a file's order; a folder's files in name order). */
  private static Dataset<Row> numbered(Dataset<Row> data) {
    JavaRDD<Row> rows = data.toJavaRDD().zipWithIndex().map(RawInput::withRowNumber);
    return data.sparkSession().createDataFrame(rows, data.schema().add(ROW, DataTypes.LongType, false));
  }

  private static Row withRowNumber(Tuple2<Row, Long> indexed) {
    Row row = indexed._1();
    Object[] values = new Object[row.size() + 1];
    for (int i = 0; i < row.size(); i++) values[i] = row.get(i);
    values[row.size()] = indexed._2() + 1;
    return RowFactory.create(values);
  }

  /** The value as {@code type}, null where it does not parse (rather than failing a Spark task in ANSI mode). */
  private static Column tryCast(String column, DataType type) {
    return expr("try_cast(`" + column.replace("`", "``") + "` AS " + type.sql() + ")");
  }

  private static boolean isExtension(String column) {
    return column.startsWith(RawSchemas.EXTENSION_PREFIX);
  }

  /** The type as docs/DATAGEN.md names it, with its article. */
  private static String typeName(DataType type) {
    if (type.equals(DataTypes.IntegerType)) return "an int";
    if (type.equals(DataTypes.LongType)) return "a long";
    return "a " + type.simpleString();
  }

  private static String summarized(List<String> problems) {
    if (problems.size() <= MAX_PROBLEMS) return String.join("; ", problems);
    return problems.subList(0, MAX_PROBLEMS).stream().collect(Collectors.joining("; "))
        + String.format("; and %d more problems", problems.size() - MAX_PROBLEMS);
  }

  private static String innermostMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
