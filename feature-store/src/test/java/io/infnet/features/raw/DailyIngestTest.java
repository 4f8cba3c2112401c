package io.infnet.features.raw;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.infnet.features.SparkTestSupport;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** {@code bin/infnet ingest}: one day of log replaced, users and videos merged, every refusal before the first write. */
class DailyIngestTest {
  private static final int DAY1 = 20220408, DAY2 = 20220409;
  private static final long T1 = 1_649_412_000_000L, T2 = T1 + 86_400_000L;
  private final SparkSession spark = SparkTestSupport.spark();

  @Test
  void datesAreReadAsIsoOrBasicAndStoredAsTheLogsInt() {
    assertEquals(DAY1, DailyIngest.parseDate("2022-04-08"));
    assertEquals(DAY1, DailyIngest.parseDate("20220408"));
    for (String bad : List.of("2022-02-30", "08/04/2022", "2022048", "")) {
      assertThrows(IllegalArgumentException.class, () -> DailyIngest.parseDate(bad), bad);
    }
  }

  @Test
  void daysAreAddedAndADayDeliveredAgainReplacesExactlyItself() throws IOException {
    LakePaths lake = newLake();
    Delta.overwrite(spark.createDataFrame(List.of(), RawSchemas.ORACLE), lake.rawOracle(), "date"); // a previous datagen's
    String day1 = input(RawSchemas.LOG, click(1, 10, DAY1, T1, 0), click(1, 11, DAY1, T1 + 1, 1), click(2, 10, DAY1, T1 + 2, 0));
    String day2 = input(RawSchemas.LOG, click(1, 10, DAY2, T2, 1), click(3, 12, DAY2, T2 + 1, 0));
    String day1Again = input(RawSchemas.LOG, click(1, 10, DAY1, T1, 1), click(4, 13, DAY1, T1 + 5, 0));

    assertEquals(3, ingest(lake, DAY1, day1).logRows());
    assertFalse(Delta.exists(spark, lake.rawOracle()), "ingested rows have no oracle: the generator's is deleted");
    assertEquals(0, ingest(lake, DAY2, day2).replacedLogRows());
    assertEquals(Map.of(DAY1, 3L, DAY2, 2L), rowsPerDay(lake));

    DailyIngest.Ingested again = ingest(lake, DAY1, day1Again);
    assertEquals(2, again.logRows());
    assertEquals(3, again.replacedLogRows());
    assertEquals(Map.of(DAY1, 2L, DAY2, 2L), rowsPerDay(lake));
    assertTrue(Delta.properties(spark, lake.rawLog()).get(DailyIngest.PROPERTY_PREFIX + DAY1).endsWith(",2"));

    LakePaths once = newLake();
    ingest(once, DAY2, day2);
    ingest(once, DAY1, day1Again);
    assertEquals(content(once.rawLog()), content(lake.rawLog()), "as if day 1 had come right the first time");

    List<String> before = content(lake.rawLog());
    DailyIngest.Ingested rerun = ingest(lake, DAY1, day1Again);
    assertEquals(2, rerun.replacedLogRows());
    assertEquals(before, content(lake.rawLog()), "a rerun gives the same table");
    assertEquals(again.logVersion() + 2, rerun.logVersion(), "one data commit and one property commit per ingest");
  }

  @Test
  void aRowOfAnotherDayIsRefusedNamingFileAndCountAndNothingIsWritten() throws IOException {
    LakePaths lake = newLake();
    ingest(lake, DAY1, input(RawSchemas.LOG, click(1, 10, DAY1, T1, 0)));
    long version = Delta.version(spark, lake.rawLog());
    Path csv = Files.createTempFile("log_", ".csv");
    Files.writeString(csv, String.join("\n", String.join(",", RawSchemas.LOG.fieldNames()),
        csvLine(1, 10, DAY2, T2), csvLine(1, 11, 20220410, T2 + 1), csvLine(2, 11, 20220410, T2 + 2)) + "\n");

    InvalidInput e = assertThrows(InvalidInput.class, () -> ingest(lake, DAY2, csv.toString()));

    assertTrue(e.getMessage().contains("log file " + csv) && e.getMessage().contains("2 rows have a date other than 20220409 (e.g. 20220410)"),
        e.getMessage());
    assertEquals(version, Delta.version(spark, lake.rawLog()));
    assertEquals(Map.of(DAY1, 1L), rowsPerDay(lake));
  }

  @Test
  void nullKeysDuplicateIdsUnreadableFilesAndSchemaMismatchesAreRefusedBeforeAnyWrite() throws IOException {
    LakePaths lake = newLake();
    String goodLog = input(RawSchemas.LOG, click(1, 10, DAY2, T2, 0));
    ingest(lake, DAY1, input(RawSchemas.LOG, click(1, 10, DAY1, T1, 0)), input(RawSchemas.USERS, user(1, "high")), null);
    List<Long> versions = List.of(Delta.version(spark, lake.rawLog()), Delta.version(spark, lake.rawUsers()));

    String nullVideo = input(RawSchemas.LOG, click(1, 10, DAY2, T2, 0), row(RawSchemas.LOG, "user_id", 2L, "date", DAY2, "time_ms", T2));
    assertRefused(lake, nullVideo, null, "log file " + nullVideo + ": row 2, column video_id: empty, but video_id is a key (1 of 2 rows)");
    String twice = input(RawSchemas.USERS, user(7, "high"), user(7, "low"), user(8, "low"));
    assertRefused(lake, goodLog, twice, "users file " + twice + ": 1 user_id values occur more than once (e.g. 7)");
    String nullUser = input(RawSchemas.USERS, user(9, "high"), row(RawSchemas.USERS, "user_active_degree", "low"));
    assertRefused(lake, goodLog, nullUser, "users file " + nullUser + ": row 2, column user_id: empty, but user_id is a key (1 of 2 rows)");
    Path garbled = Files.createTempFile("log_", ".csv");
    Files.writeString(garbled, String.join(",", RawSchemas.LOG.fieldNames()) + "\none" + csvLine(1, 10, DAY2, T2).substring(1) + "\n");
    assertRefused(lake, garbled.toString(), null, "log file " + garbled + ": row 1, column user_id: 'one' is not a long (1 of 1 rows)");
    String stringClicks = goodLog + "-string";
    spark.read().parquet(goodLog).withColumn("is_click", col("is_click").cast("string")).write().parquet(stringClicks);
    assertRefused(lake, stringClicks, null, "log file " + stringClicks + ": raw table 'log' does not match its declared schema: "
        + "column is_click has type string, expected int");
    String newColumn = goodLog + "-extension";
    spark.read().parquet(goodLog).selectExpr("*", "'x' as x_extra").write().parquet(newColumn);
    assertRefused(lake, newColumn, null, "log file " + newColumn + ": its columns differ from the lake's table "
        + lake.rawLog() + ": only in the file [x_extra], only in the table []");

    assertEquals(versions, List.of(Delta.version(spark, lake.rawLog()), Delta.version(spark, lake.rawUsers())));
    assertEquals(Map.of(DAY1, 1L), rowsPerDay(lake));
  }

  @Test
  void usersAreMergedByIdAndTheirPreviousStateStaysReadable() throws IOException {
    LakePaths lake = newLake();
    DailyIngest.Ingested first = ingest(lake, DAY1, input(RawSchemas.LOG, click(1, 10, DAY1, T1, 0)),
        input(RawSchemas.USERS, user(1, "high"), user(2, "low")), null);
    assertEquals(2, first.usersInserted());

    DailyIngest.Ingested second = ingest(lake, DAY2, input(RawSchemas.LOG, click(3, 10, DAY2, T2, 0)),
        input(RawSchemas.USERS, user(1, "high"), user(2, "full_active"), user(3, "new")), null);

    assertEquals(List.of(1L, 1L), List.of(second.usersInserted(), second.usersUpdated()), "user 1 is unchanged: not an update");
    assertEquals(Map.of(1L, "high", 2L, "full_active", 3L, "new"), degrees(spark.read().format("delta").load(lake.rawUsers())));
    assertEquals(Map.of(1L, "high", 2L, "low"),
        degrees(spark.read().format("delta").option("versionAsOf", first.usersVersion()).load(lake.rawUsers())));
  }

  @Test
  void anEmptyLogIsRefusedUnlessAnEmptyDayIsAllowed() throws IOException {
    LakePaths lake = newLake();
    ingest(lake, DAY1, input(RawSchemas.LOG, click(1, 10, DAY1, T1, 0), click(2, 10, DAY1, T1 + 1, 0)));
    String empty = input(RawSchemas.LOG);

    assertRefused(lake, empty, null, "no rows (an empty or header-only file): a missing delivery must not silently become an empty table");
    assertEquals(Map.of(DAY1, 2L), rowsPerDay(lake));

    DailyIngest.Ingested allowed = DailyIngest.run(spark, lake, DAY1, new DailyIngest.Inputs(empty, null, null), true, t -> {});
    assertEquals(List.of(0L, 2L), List.of(allowed.logRows(), allowed.replacedLogRows()));
    assertEquals(Map.of(), rowsPerDay(lake));
  }

  @Test
  void aFailedThirdWriteRestoresTheTablesAlreadyWritten() throws IOException {
    LakePaths lake = newLake();
    ingest(lake, DAY1, input(RawSchemas.LOG, click(1, 10, DAY1, T1, 0)), input(RawSchemas.USERS, user(1, "high")),
        input(RawSchemas.VIDEOS, video(10, 100)));
    List<List<String>> before = List.of(content(lake.rawLog()), content(lake.rawUsers()), content(lake.rawVideos()));
    Map<String, String> properties = Delta.properties(spark, lake.rawLog());
    long videosVersion = Delta.version(spark, lake.rawVideos());
    DailyIngest.Inputs day2 = new DailyIngest.Inputs(input(RawSchemas.LOG, click(2, 11, DAY2, T2, 1)),
        input(RawSchemas.USERS, user(1, "low"), user(2, "new")), input(RawSchemas.VIDEOS, video(11, 100)));
    IllegalStateException broken = new IllegalStateException("disk full");

    assertSame(broken, assertThrows(IllegalStateException.class,
        () -> DailyIngest.run(spark, lake, DAY2, day2, false, failOn("videos", broken))));

    assertEquals(before, List.of(content(lake.rawLog()), content(lake.rawUsers()), content(lake.rawVideos())));
    assertEquals(properties, Delta.properties(spark, lake.rawLog()), "the day's ingest record is rolled back with it");
    assertEquals(videosVersion, Delta.version(spark, lake.rawVideos()));
    assertEquals("RESTORE", lastOperation(lake.rawUsers()));

    LakePaths fresh = newLake();
    assertThrows(IllegalStateException.class, () -> DailyIngest.run(spark, fresh, DAY2, day2, false, failOn("videos", broken)));
    assertFalse(Delta.exists(spark, fresh.rawLog()) || Delta.exists(spark, fresh.rawUsers()), "tables it created are removed");
  }

  private void assertRefused(LakePaths lake, String log, String users, String message) {
    InvalidInput e = assertThrows(InvalidInput.class, () -> ingest(lake, DAY2, log, users, null));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  private DailyIngest.Ingested ingest(LakePaths lake, int date, String log) {
    return ingest(lake, date, log, null, null);
  }

  private DailyIngest.Ingested ingest(LakePaths lake, int date, String log, String users, String videos) {
    return DailyIngest.run(spark, lake, date, new DailyIngest.Inputs(log, users, videos), false, table -> {});
  }

  private static Consumer<String> failOn(String table, RuntimeException failure) {
    return t -> {
      if (t.equals(table)) throw failure;
    };
  }

  private static LakePaths newLake() {
    return LakePaths.of(SparkTestSupport.config());
  }

  /** {@code rows} written as a Parquet input file; its path. */
  private String input(StructType schema, Row... rows) throws IOException {
    String path = Files.createTempDirectory("ingest-input-").resolve("part").toString();
    spark.createDataFrame(List.of(rows), schema).write().parquet(path);
    return path;
  }

  private static Row click(long user, long video, int date, long timeMs, int click) {
    return row(RawSchemas.LOG, "user_id", user, "video_id", video, "date", date, "time_ms", timeMs, "is_click", click);
  }

  private static Row user(long id, String degree) {
    return row(RawSchemas.USERS, "user_id", id, "user_active_degree", degree);
  }

  private static Row video(long id, long author) {
    return row(RawSchemas.VIDEOS, "video_id", id, "author_id", author);
  }

  /** A row of {@code schema}: the named values, null elsewhere. */
  private static Row row(StructType schema, Object... namesAndValues) {
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < namesAndValues.length; i += 2) values[schema.fieldIndex((String) namesAndValues[i])] = namesAndValues[i + 1];
    return RowFactory.create(values);
  }

  private static String csvLine(long user, long video, int date, long timeMs) {
    return user + "," + video + "," + date + ",1000," + timeMs + ",0".repeat(RawSchemas.LOG.size() - 5);
  }

  private Map<Integer, Long> rowsPerDay(LakePaths lake) {
    Map<Integer, Long> days = new TreeMap<>();
    for (Row r : Delta.read(spark, lake.rawLog()).groupBy("date").count().collectAsList()) days.put(r.getInt(0), r.getLong(1));
    return days;
  }

  private List<String> content(String path) {
    List<String> rows = new ArrayList<>();
    for (Row r : Delta.read(spark, path).collectAsList()) rows.add(r.toString());
    rows.sort(null);
    return rows;
  }

  private static Map<Long, String> degrees(Dataset<Row> users) {
    Map<Long, String> out = new TreeMap<>();
    for (Row r : users.collectAsList()) out.put(r.getAs("user_id"), r.getAs("user_active_degree"));
    return out;
  }

  private String lastOperation(String path) {
    return DeltaTable.forPath(spark, path).history(1).select("operation").first().getString(0);
  }
}
