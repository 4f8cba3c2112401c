package io.infnet.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.raw.DailyIngest;
import io.infnet.features.raw.InvalidInput;
import io.infnet.features.raw.RawInput;
import io.infnet.features.raw.RawImport;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.spark.AllOrNothing;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus of docs/DATA_POLICY.md ("The way in"): one small file per class of bad raw input, each through
 * the real {@code import} and {@code ingest} paths. A refused file must give its documented message and leave every raw
 * table at its Delta version; an accepted one must load the same rows as the clean file, or rows the feature build then
 * drops and counts under its documented reason.
 */
class BadInputCorpusTest {
  private static final int DAY = 20220408;
  private static final long T = 1_649_412_000_000L; // 2022-04-08T10:00:00Z
  private static final byte[] BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
  private static final String EMPTY_MESSAGE = "no rows (an empty or header-only file): a missing delivery must not silently become an empty table";
  private static SparkSession spark;
  private static Path dir;
  private static Corpus clean;
  private static InfnetConfig lakeConfig;
  private static LakePaths lake;
  private static List<String> cleanLog;

  /** How a file is loaded: by a job, or (accepted cases) only read and checked by the reader both jobs share. */
  enum Route { IMPORT, INGEST, READER }

  /** Which input a case replaces. */
  enum Slot { LOG, USERS, VIDEOS }

  /** A refused file: its slot, name, bytes and the message expected after "{table} file {path}: ". */
  record Refused(String name, Slot slot, String fileName, byte[] content, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** An accepted log file: its rows are the clean log's, or those the feature build drops under {@code dropReason}. */
  record Accepted(String name, String fileName, byte[] content, int day, String dropReason, long dropped) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** The clean files every case starts from. */
  private record Corpus(Csv log, Csv users, Csv videos) {}

  @BeforeAll
  static void importTheCleanFiles() throws IOException {
    spark = SparkTestSupport.spark();
    dir = Files.createTempDirectory("bad-input-");
    clean = new Corpus(cleanLog(), cleanUsers(), cleanVideos());
    lakeConfig = SparkTestSupport.config();
    lake = LakePaths.of(lakeConfig);
    RawImport.run(spark, lakeConfig, file("log.csv", clean.log().bytes()), file("users.csv", clean.users().bytes()),
        file("videos.csv", clean.videos().bytes()), false);
    cleanLog = content(Delta.read(spark, lake.rawLog()), RawSchemas.LOG.fieldNames());
  }

  static Stream<Arguments> refused() {
    Csv log = cleanLog();
    List<Refused> cases = List.of(
        refusedLog("missing column", "log.csv", log.without("is_like").bytes(),
            "missing column 'is_like' (expected the 19 columns of the raw log schema, docs/DATAGEN.md)"),
        refusedLog("extra column", "log.csv", log.with("foo", "1").bytes(),
            "unexpected column 'foo' (not in the 19 columns of the raw log schema, docs/DATAGEN.md; extension columns start with x_)"),
        refusedLog("no header", "log.csv", log.withoutHeader().bytes(),
            "the first line is not a header: expected the 19 columns of the raw log schema, docs/DATAGEN.md by name"),
        refusedLog("wrong type", "log.csv", log.set(3, "user_id", "abc").bytes(), "row 3, column user_id: 'abc' is not a long (1 of 3 rows)"),
        refusedLog("infinity in a long column", "log.csv", log.set(1, "play_time_ms", "inf").bytes(),
            "row 1, column play_time_ms: 'inf' is not a long (1 of 3 rows)"),
        refusedLog("malformed row", "log.csv", log.truncated(2, 10).bytes(), "row 2: malformed line '1,11,20220408,1000,1649412060000,0,0,0,0,0'"),
        refusedLog("a line with an extra field", "log.csv", log.set(2, "tab", "1,7").bytes(), "row 2: malformed line '1,11,20220408,"),
        refusedLog("empty file", "log.csv", new byte[0], EMPTY_MESSAGE),
        refusedLog("header only", "log.csv", log.headerOnly().bytes(), EMPTY_MESSAGE),
        refusedLog("wrong extension", "log.txt", log.bytes(),
            "not a format the raw inputs accept: it looks like text, name it *.csv if it is CSV (accepted: CSV (*.csv or gzip-compressed"),
        refusedLog("gzip without .csv.gz", "log.gz", gzip(log.bytes()), "not a format the raw inputs accept: it is gzip-compressed, name it *.csv.gz"),
        refusedLog("null key", "log.csv", log.set(2, "video_id", "").bytes(), "row 2, column video_id: empty, but video_id is a key (1 of 3 rows)"),
        refusedLog("negative id", "log.csv", log.set(3, "user_id", "-2").bytes(), "row 3, column user_id: -2 is negative, expected an id >= 0 (1 of 3 rows)"),
        refusedLog("date disagrees with time_ms", "log.csv", log.set(2, "date", "20220412").bytes(),
            "row 2, column date: date 20220412, time_ms 1649412060000 (2022-04-08 10:01:00 UTC): the date is more than a day away from time_ms's UTC day (1 of 3 rows)"),
        refusedLog("ancient timestamp", "log.csv", log.set(1, "time_ms", "1000").bytes(),
            "row 1, column date: date 20220408, time_ms 1000 (1970-01-01 00:00:01 UTC): the date is more than a day away"),
        refusedLog("timestamp beyond 9999", "log.csv", log.set(1, "time_ms", "253402300800000").bytes(),
            "row 1, column time_ms: 253402300800000 is not epoch milliseconds between 1970 and 9999 (1 of 3 rows)"),
        new Refused("NaN and infinity", Slot.USERS, "users.csv", cleanUsers().set(1, "onehot_feat4", "NaN").set(2, "onehot_feat4", "Infinity").bytes(),
            "row 1, column onehot_feat4: NaN is not a finite number (2 of 2 rows)"),
        new Refused("duplicate ids", Slot.VIDEOS, "videos.csv", cleanVideos().set(2, "video_id", "10").bytes(),
            "1 video_id values occur more than once (e.g. 10)"));
    return Stream.of(Route.IMPORT, Route.INGEST).flatMap(route -> cases.stream().map(c -> Arguments.of(route, c)));
  }

  @ParameterizedTest(name = "{0} refuses: {1}")
  @MethodSource("refused")
  void aBadFileIsRefusedWithItsMessageAndTheLakeIsUnchanged(Route route, Refused bad) throws IOException {
    String path = file(bad.fileName(), bad.content());
    Map<String, Long> versions = versions(lake);

    InvalidInput e = assertThrows(InvalidInput.class, () -> load(route, lakeConfig, bad.slot(), path, DAY));

    String table = bad.slot().name().toLowerCase();
    assertTrue(e.getMessage().startsWith(table + " file " + path + ": " + bad.message()) && e.getMessage().endsWith("; nothing was written"),
        e.getMessage());
    assertEquals(versions, versions(lake), "no raw table changed");
  }

  static Stream<Arguments> accepted() {
    Csv log = cleanLog();
    long future = 4_102_444_800_000L; // 2100-01-01T00:00:00Z
    List<Accepted> cases = List.of(
        acceptedAsClean("every accepted quirk at once: reordered, x_ column, BOM, CRLF, gzip", "log.csv.gz",
            gzip(concat(BOM, log.reversed().with("x_device", "3").render("\r\n").getBytes(StandardCharsets.UTF_8)))),
        acceptedAsClean("reordered columns", "log.csv", log.reversed().bytes()),
        acceptedAsClean("byte-order mark", "log.csv", concat(BOM, log.bytes())),
        acceptedAsClean("CRLF line ends", "log.csv", log.render("\r\n").getBytes(StandardCharsets.UTF_8)),
        acceptedAsClean("gzip as .csv.gz", "log.csv.gz", gzip(log.bytes())),
        acceptedAsClean("x_ extension column", "log.csv", log.with("x_device", "3").bytes()),
        new Accepted("label outside {0,1}", "log.csv", log.set(2, "is_click", "2").bytes(), DAY, "flag_outside_0_1", 1),
        new Accepted("future timestamps", "log.csv", log.map(r -> r.set("date", "21000101").set("time_ms", String.valueOf(future + r.offset()))).bytes(),
            21000101, "future_timestamp", 3),
        new Accepted("hourmin not HHMM", "log.csv", log.set(3, "hourmin", "2475").bytes(), DAY, "unparseable_hourmin", 1),
        new Accepted("duplicates with conflicting labels", "log.csv", log.plusRow(log.row(1).set("is_click", "0")).bytes(), DAY, "duplicate_impression", 1));
    // Writing is what takes time (seconds per Delta commit on 2 cores), and both jobs accept exactly what their
    // shared reader (RawInput) accepts: the combined case goes through both jobs, every class through the reader.
    return Stream.concat(Stream.of(Route.IMPORT, Route.INGEST).map(route -> Arguments.of(route, cases.get(0))),
        cases.stream().skip(1).map(c -> Arguments.of(Route.READER, c)));
  }

  @ParameterizedTest(name = "{0} accepts: {1}")
  @MethodSource("accepted")
  void anAcceptedFileLoadsItsRowsAndTheFeatureBuildDropsWhatItDocuments(Route route, Accepted ok) throws IOException {
    InfnetConfig config = SparkTestSupport.config();
    String path = file(ok.fileName(), ok.content());
    Dataset<Row> loaded;
    if (route == Route.READER) {
      loaded = RawInput.read(spark, path, RawSchemas.LOG, false).data();
    } else {
      load(route, config, Slot.LOG, path, ok.day());
      loaded = Delta.read(spark, LakePaths.of(config).rawLog());
    }

    if (ok.dropReason() == null) {
      assertEquals(cleanLog, content(loaded, RawSchemas.LOG.fieldNames()));
    } else {
      QualityReport quality = new QualityReport();
      LogCleaning.clean(loaded, System.currentTimeMillis() + 86_400_000L, quality);
      assertEquals(ok.dropped(), (long) quality.get(QualityReport.DROPPED, ok.dropReason()), quality.section(QualityReport.DROPPED).toString());
    }
  }

  private static Refused refusedLog(String name, String fileName, byte[] content, String message) {
    return new Refused(name, Slot.LOG, fileName, content, message);
  }

  private static Accepted acceptedAsClean(String name, String fileName, byte[] content) {
    return new Accepted(name, fileName, content, DAY, null, 0);
  }

  /** {@code path} in {@code slot} through a job: the clean files in the others (import), or alone with the clean log (ingest). */
  private static void load(Route route, InfnetConfig config, Slot slot, String path, int day) throws IOException {
    String log = slot == Slot.LOG ? path : file("log.csv", clean.log().bytes());
    String users = slot == Slot.USERS ? path : file("users.csv", clean.users().bytes());
    String videos = slot == Slot.VIDEOS ? path : file("videos.csv", clean.videos().bytes());
    if (route == Route.IMPORT) {
      RawImport.run(spark, config, log, users, videos, false);
    } else {
      DailyIngest.run(spark, config, day, new DailyIngest.Inputs(log, slot == Slot.USERS ? users : null, slot == Slot.VIDEOS ? videos : null), false);
    }
  }

  private static Map<String, Long> versions(LakePaths lake) {
    return AllOrNothing.versions(spark, List.of(lake.rawLog(), lake.rawUsers(), lake.rawVideos()));
  }

  private static List<String> content(Dataset<Row> table, String[] columns) {
    List<String> rows = new ArrayList<>();
    for (Row r : table.selectExpr(columns).collectAsList()) rows.add(r.toString());
    Collections.sort(rows);
    return rows;
  }

  /** The content written to a new file named {@code name} in a folder of its own; its path. */
  private static String file(String name, byte[] content) throws IOException {
    return Files.write(Files.createTempDirectory(dir, "case-").resolve(name), content).toString();
  }

  private static Csv cleanLog() {
    Csv log = new Csv(List.of(RawSchemas.LOG.fieldNames()), List.of());
    return log.plusRow(impression(log, 1, 10, 0, "1")).plusRow(impression(log, 1, 11, 60_000, "0")).plusRow(impression(log, 2, 10, 120_000, "1"));
  }

  /** An impression on {@link #DAY}, {@code offsetMs} after {@link #T}: the flags 0 but is_click, durations set. */
  private static Csv.Line impression(Csv log, long user, long video, long offsetMs, String click) {
    Csv.Line line = log.blankLine(offsetMs);
    for (String flag : RawSchemas.LOG_FLAGS) line = line.set(flag, "0");
    return line.set("user_id", String.valueOf(user)).set("video_id", String.valueOf(video)).set("date", String.valueOf(DAY))
        .set("hourmin", "1000").set("time_ms", String.valueOf(T + offsetMs)).set("is_click", click).set("play_time_ms", "20000")
        .set("duration_ms", "30000").set("profile_stay_time", "0").set("comment_stay_time", "0").set("tab", "1");
  }

  private static Csv cleanUsers() {
    Csv users = new Csv(List.of(RawSchemas.USERS.fieldNames()), List.of());
    return users.plusRow(users.blankLine(0).set("user_id", "1").set("user_active_degree", "high_active").set("onehot_feat4", "0.5"))
        .plusRow(users.blankLine(0).set("user_id", "2").set("user_active_degree", "low_active").set("fans_user_num_range", "\"[10,100)\""));
  }

  private static Csv cleanVideos() {
    Csv videos = new Csv(List.of(RawSchemas.VIDEOS.fieldNames()), List.of());
    return videos.plusRow(videos.blankLine(0).set("video_id", "10").set("author_id", "100").set("tag", "\"39,68\""))
        .plusRow(videos.blankLine(0).set("video_id", "11").set("author_id", "101").set("video_duration", "87433.0"));
  }

  private static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A small CSV held as header and lines of raw field text (quotes included), changed by copy. */
  record Csv(List<String> header, List<Line> lines) {
    /** One line's fields; {@code offset}: its time after {@link #T}, kept for cases that move time. */
    record Line(List<String> header, List<String> fields, long offset) {
      Line set(String column, String value) {
        List<String> f = new ArrayList<>(fields);
        f.set(header.indexOf(column), value);
        return new Line(header, f, offset);
      }
    }

    Line blankLine(long offsetMs) {
      return new Line(header, Collections.nCopies(header.size(), ""), offsetMs);
    }

    Line row(int number) {
      return lines.get(number - 1);
    }

    Csv plusRow(Line line) {
      List<Line> l = new ArrayList<>(lines);
      l.add(new Line(header, line.fields(), line.offset()));
      return new Csv(header, l);
    }

    Csv set(int row, String column, String value) {
      List<Line> l = new ArrayList<>(lines);
      l.set(row - 1, l.get(row - 1).set(column, value));
      return new Csv(header, l);
    }

    Csv map(UnaryOperator<Line> change) {
      return new Csv(header, lines.stream().map(change).toList());
    }

    Csv without(String column) {
      return columns(header.stream().filter(c -> !c.equals(column)).toList(), Map.of());
    }

    Csv with(String column, String value) {
      List<String> h = new ArrayList<>(header);
      h.add(column);
      return columns(h, Map.of(column, value));
    }

    Csv reversed() {
      List<String> h = new ArrayList<>(header);
      Collections.reverse(h);
      return columns(h, Map.of());
    }

    /** The columns {@code newHeader} in that order, taken by name, new ones filled with {@code added}'s value. */
    private Csv columns(List<String> newHeader, Map<String, String> added) {
      List<Line> l = new ArrayList<>();
      for (Line line : lines) {
        List<String> f = new ArrayList<>();
        for (String c : newHeader) f.add(added.containsKey(c) ? added.get(c) : line.fields().get(header.indexOf(c)));
        l.add(new Line(newHeader, f, line.offset()));
      }
      return new Csv(newHeader, l);
    }

    /** Row {@code row} cut after its first {@code fields} fields. */
    Csv truncated(int row, int fields) {
      List<Line> l = new ArrayList<>(lines);
      l.set(row - 1, new Line(header, l.get(row - 1).fields().subList(0, fields), 0));
      return new Csv(header, l);
    }

    Csv headerOnly() {
      return new Csv(header, List.of());
    }

    Csv withoutHeader() {
      return new Csv(List.of(), lines);
    }

    String render(String lineEnd) {
      StringBuilder sb = new StringBuilder();
      if (!header.isEmpty()) sb.append(String.join(",", header)).append(lineEnd);
      for (Line line : lines) sb.append(String.join(",", line.fields())).append(lineEnd);
      return sb.toString();
    }

    byte[] bytes() {
      return render("\n").getBytes(StandardCharsets.UTF_8);
    }
  }
}
