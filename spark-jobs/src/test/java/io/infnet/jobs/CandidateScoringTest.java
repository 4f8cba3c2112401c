package io.infnet.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.CandidateFeatures;
import io.infnet.features.FeatureBuilder;
import io.infnet.features.FeatureTables;
import io.infnet.features.datagen.DataGenerator;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.spark.Delta;
import io.infnet.features.spark.SparkSessions;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.jobs.score.CandidateScoringRun;
import io.infnet.lake.LakePaths;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.io.ModelExport;
import io.infnet.model.io.Provenance;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code score --candidates} (docs/FEATURE_TABLES.md, "Candidate features"; docs/DATA_POLICY.md, "Candidates"): a lake
 * built for 2022-04-08..13, a freshly initialised model registered on its vocabulary, candidates of the days after.
 * The tests through {@link Main} come last: a job stops the Spark session when it ends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CandidateScoringTest {
  private static final String[] SETTINGS = {"spark.master=local[2]", "spark.shuffle_partitions=2", "datagen.users=150",
      "datagen.videos=120", "datagen.days=6", "split.train_end=2022-04-11", "split.valid_end=2022-04-12",
      "features.sequence_max_length=8", "model.dim=8", "model.tower_hidden=8"};
  private static final long DAY_MS = 86_400_000L;
  private static final IdEncoding OTHER_VOCABULARY = IdEncoding.of(9, "0123456789abcdef-7", 9, "0123456789abcdef");
  private static Path root;
  private static InfnetConfig config;
  private static SparkSession spark;
  private static LakePaths lake;
  private static IdEncoding encoding;
  private static String nextDay; // Parquet candidates of 2022-04-14
  private static long nextDayRows;

  @BeforeAll
  static void lakeWithAModel() throws Exception {
    root = Files.createTempDirectory("infnet-candidates-");
    config = InfnetConfig.defaults().with("lake.root=" + root.resolve("lake")).with(SETTINGS);
    spark = SparkSessions.getOrCreate(config, "candidate-scoring-test");
    lake = LakePaths.of(config);
    DataGenerator.run(spark, config);
    FeatureBuilder.run(spark, config);
    FeatureTables.Pinned table = FeatureTables.pinCurrent(spark, lake.features());
    encoding = table.encoding();
    register("infnet", table.schema(), encoding);
    register("other", table.schema(), OTHER_VOCABULARY);

    nextDay = root.resolve("candidates-0414.parquet").toString();
    Dataset<Row> known = knownRequests(1).limit(60).cache();
    known.write().parquet(nextDay);
    nextDayRows = known.count();
  }

  /** (a) One prediction per candidate, with its keys and the model's name and version; a rerun replaces the day. */
  @Test
  @Order(1)
  void candidatesOfTheNextDayGetOnePredictionEachAndARerunReplacesThem() throws Exception {
    CandidateScoringRun.Result r = CandidateScoringRun.execute(spark, config, lake, nextDay);

    assertEquals(nextDayRows, r.rowsWritten());
    CandidateFeatures.Summary s = r.candidates();
    assertEquals(List.of("2022-04-14"), s.dates());
    assertEquals("2022-04-13", s.stateDay());
    assertFalse(s.staleHistory(), "the history reaches the day before");
    assertEquals(0, s.unknownUsers() + s.unknownVideos(), "every candidate id is in the vocabulary");
    assertEquals(encoding, s.encoding());
    Dataset<Row> written = Delta.read(spark, lake.candidatePredictions());
    assertEquals(nextDayRows, written.count());
    assertEquals(0, keys(spark.read().parquet(nextDay)).except(keys(written)).count(), "every candidate is scored");
    assertEquals(nextDayRows, keys(written).distinct().count(), "one prediction per candidate");
    Row model = written.groupBy("model_name", "model_version", "date").count().first();
    assertEquals("infnet", model.getString(0));
    assertEquals(1, model.getInt(1));
    assertEquals("2022-04-14", model.getString(2));
    for (String task : List.of("click", "like", "long_view")) {
      Row range = written.agg(org.apache.spark.sql.functions.min("p_" + task), max("p_" + task)).first();
      assertTrue(range.getFloat(0) > 0 && range.getFloat(1) < 1, task + " predictions in (0, 1): " + range);
    }

    CandidateScoringRun.Result again = CandidateScoringRun.execute(spark, config, lake, nextDay);
    assertTrue(again.tableVersion() > r.tableVersion());
    assertEquals(nextDayRows, Delta.read(spark, lake.candidatePredictions()).count(), "the day replaced, not appended");
  }

  /**
   * (b) No leakage: a request at the time of a user's last click of the last built day gets the clicks strictly
   * before it (not that one); a request the next day gets that click first. Both are what the feature table says.
   */
  @Test
  @Order(2)
  void sequencesHoldOnlyEventsStrictlyBeforeTheRequest() {
    Dataset<Row> features = Delta.read(spark, lake.features());
    Row clicker = features.where("date = '2022-04-13' AND label_click = 1").groupBy("user_id")
        .agg(count(lit(1)), max("time_ms")).where(col("count(1)").geq(2)).orderBy("user_id").first();
    long user = clicker.getLong(0), lastClick = clicker.getLong(2);
    Dataset<Row> candidates = spark.createDataFrame(List.of(request(user, 1L, lastClick, 20220413),
        request(user, 1L, lastClick + DAY_MS, 20220414)), RawSchemas.CANDIDATES);

    CandidateFeatures.Built built = CandidateFeatures.build(spark, config, candidates);
    try {
      List<Row> rows = built.rows().orderBy("time_ms").collectAsList();
      assertFalse(Arrays.asList(built.rows().columns()).contains("label_click"), "no label column");
      assertEquals(CandidateFeatures.SPLIT_VALUE, rows.get(0).getAs("split"));
      List<Integer> inside = rows.get(0).getList(rows.get(0).fieldIndex(FeatureSchema.sequenceColumn("click", "video_id")));
      List<Integer> after = rows.get(1).getList(rows.get(1).fieldIndex(FeatureSchema.sequenceColumn("click", "video_id")));
      List<Integer> before = clickedVideoIds(features, user, lastClick);
      assertEquals(clickedVideoIds(features, user, lastClick + DAY_MS), after, "the next day: every click up to the state's end");
      assertTrue(inside.size() < after.size(), "the request at the last click gets fewer events: " + inside + " vs " + after);
      assertFalse(inside.isEmpty(), "the user clicked before its last click");
      assertEquals(before.subList(0, inside.size()), inside, "only clicks strictly before the request, most recent first");
    } finally {
      built.release();
    }
  }

  /** (c) Unknown ids are scored with OOV and counted; the earlier day's predictions stay; a gap day makes the history stale. */
  @Test
  @Order(3)
  void unknownUsersAndVideosAreScoredAsOovAndCounted() throws Exception {
    Row known = knownRequests(2).first();
    List<Row> rows = new ArrayList<>(knownRequests(2).limit(5).collectAsList());
    rows.add(request(99_999_999L, known.getLong(1), known.getLong(2) + 1, 20220415));
    rows.add(request(known.getLong(0), 88_888_888L, known.getLong(2) + 2, 20220415));
    String path = root.resolve("candidates-0415.parquet").toString();
    spark.createDataFrame(rows, RawSchemas.CANDIDATES).write().parquet(path);

    CandidateScoringRun.Result r = CandidateScoringRun.execute(spark, config, lake, path);

    assertEquals(1, r.candidates().unknownUsers());
    assertEquals(1, r.candidates().unknownVideos());
    assertTrue(r.candidates().staleHistory(), "2022-04-14 was never built");
    Dataset<Row> written = Delta.read(spark, lake.candidatePredictions());
    assertEquals(1, written.where("user_id = 99999999 AND p_click > 0 AND p_click < 1").count(), "unknown user scored");
    assertEquals(1, written.where("video_id = 88888888 AND p_click > 0 AND p_click < 1").count(), "unknown video scored");
    assertEquals(rows.size(), written.where("date = '2022-04-15'").count());
    assertEquals(nextDayRows, written.where("date = '2022-04-14'").count(), "a day not scored is left as it was");
  }

  /** (e) A model trained on other id mappings would read the ids as other values: refused naming both versions. */
  @Test
  @Order(4)
  void aModelOfAnotherVocabularyIsRefusedNamingBoth() {
    long before = Delta.version(spark, lake.candidatePredictions());
    JobFailure e = assertThrows(JobFailure.class,
        () -> CandidateScoringRun.execute(spark, config.with("train.model_name=other"), lake, nextDay));
    assertTrue(e.getMessage().contains("the model's ids come from the vocabulary at Delta version 9 (hash 0123456789abcdef-7), the rows' from Delta version "
        + encoding.vocabulary().deltaVersion() + " (hash " + encoding.vocabulary().contentHash() + ")"), e.getMessage());
    assertTrue(e.getMessage().contains("the model's ids come from the bucket splits at Delta version 9"), e.getMessage());
    assertEquals(before, Delta.version(spark, lake.candidatePredictions()), "nothing written");
  }

  /** A candidates file carrying an outcome is refused naming the column: an outcome could only leak into a feature. */
  @Test
  @Order(5)
  void anOutcomeColumnIsRefusedNamingIt() {
    String path = root.resolve("with-outcome.parquet").toString();
    spark.read().parquet(nextDay).withColumn("is_click", lit(1)).write().parquet(path);
    CandidateFeatures.InvalidCandidates e = assertThrows(CandidateFeatures.InvalidCandidates.class,
        () -> CandidateFeatures.read(spark, path));
    assertTrue(e.getMessage().contains("unexpected column is_click"), e.getMessage());
  }

  /** The job prints rows, dates, unknown ids, the history's day and the model. */
  @Test
  @Order(6)
  void theJobPrintsTheSummary() {
    Result r = main("score", "--candidates=" + nextDay);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("score: " + nextDayRows + " candidate predictions of infnet v1 for 1 dates (2022-04-14..2022-04-14)"),
        r.out());
    assertTrue(r.out().contains("score: unknown users 0 (0.00%), unknown videos 0 (0.00%)"), r.out());
    assertTrue(r.out().contains("score: history up to 2022-04-13 (sequence state version "), r.out());
  }

  /** (d) Null keys: one error line naming each column's first such row and the count; nothing is written. */
  @Test
  @Order(7)
  void nullKeysAreRefusedNamingTheFileAndTheCount() throws Exception {
    assertRefusedWritingNothing("null-keys.csv",
        "1,2,1649894400000,20220414,1200,0\n,2,1649894400001,20220414,1200,0\n3,,1649894400002,20220414,1200,0\n",
        "row 2, column user_id: empty, but user_id is a key (1 of 3 rows); row 3, column video_id: empty, but video_id is a "
            + "key (1 of 3 rows)");
  }

  /**
   * A candidates file goes through the checks of an ingested log (RawInput): a value of the wrong type, and a date
   * that is not time_ms's day, are one error line naming the row, column and value; nothing is written.
   */
  @Test
  @Order(8)
  void aBadValueIsOneErrorLineNamingTheRowColumnAndValue() throws Exception {
    assertRefusedWritingNothing("bad-values.csv",
        "1,2,1649894400000,20220414,1200,0\n1,abc,1649894400001,20220414,1200,0\n3,4,1649894400002,20220420,1200,0\n",
        "row 2, column video_id: 'abc' is not a long (1 of 3 rows); row 3, column date: date 20220420, time_ms "
            + "1649894400002 (2022-04-14 00:00:00 UTC): the date is more than a day away from time_ms's UTC day (1 of 3 rows)");
  }

  /** {@code score --candidates} of a CSV with {@code lines} under the header: exit 1, this one error line, no commit. */
  private static void assertRefusedWritingNothing(String name, String lines, String problem) throws Exception {
    Path csv = Files.writeString(root.resolve(name), String.join(",", RawSchemas.CANDIDATES.fieldNames()) + "\n" + lines);
    long before = Delta.version(SparkSessions.getOrCreate(config, "candidate-scoring-test"), lake.candidatePredictions());

    Result r = main("score", "--candidates=" + csv);

    assertEquals(1, r.code(), r.err());
    assertEquals(List.of("infnet: error: score: candidates file " + csv + ": " + problem
        + "; nothing was scored (docs/DATA_POLICY.md, Candidates)"), r.err().lines().toList());
    assertEquals(before, Delta.version(SparkSessions.getOrCreate(config, "candidate-scoring-test"), lake.candidatePredictions()));
  }

  /** Requests {@code days} after logged 2022-04-13 impressions whose user and video are both in the vocabulary. */
  private static Dataset<Row> knownRequests(int days) {
    FeatureSchema schema = FeatureTables.readSchema(spark, lake.features());
    Column user = element_at(col(FeatureSchema.CAT_COLUMN), schema.fieldIndex("user_id") + 1);
    Column video = element_at(col(FeatureSchema.CAT_COLUMN), schema.fieldIndex("video_id") + 1);
    return Delta.read(spark, lake.features()).where(col("date").equalTo("2022-04-13").and(user.gt(0)).and(video.gt(0)))
        .select(col("user_id"), col("video_id"), col("time_ms").plus(days * DAY_MS).as("time_ms"), lit(20220413 + days).as("date"),
            lit(1200).as("hourmin"), lit(1).as("tab"))
        .dropDuplicates("user_id", "video_id", "time_ms").orderBy("user_id", "video_id", "time_ms");
  }

  private static Row request(long user, long video, long timeMs, int date) {
    return RowFactory.create(user, video, timeMs, date, 1200, 1);
  }

  private static Dataset<Row> keys(Dataset<Row> rows) {
    return rows.select("user_id", "video_id", "time_ms");
  }

  /** The user's clicked videos' ids before {@code timeMs} in the feature table, most recent first, at most 8. */
  private static List<Integer> clickedVideoIds(Dataset<Row> features, long user, long timeMs) {
    int video = FeatureTables.readSchema(spark, lake.features()).fieldIndex("video_id") + 1;
    return features.where(col("user_id").equalTo(user).and(col("label_click").equalTo(1)).and(col("time_ms").lt(timeMs)))
        .orderBy(col("time_ms").desc(), col("video_id").desc()).limit(8)
        .select(element_at(col(FeatureSchema.CAT_COLUMN), video)).collectAsList().stream().map(r -> r.getInt(0)).toList();
  }

  private static void register(String name, FeatureSchema schema, IdEncoding vocabulary) throws Exception {
    ModelSpec spec = ModelSpec.from(config, schema);
    Provenance provenance = new Provenance(config, config.hash(), new Provenance.Features(lake.features(), 0, Map.of(), vocabulary),
        null, Provenance.Code.ofThisJvm("test", "unknown", spark.version()));
    Path dir = Files.createTempDirectory(root, "model-");
    try (RankingModel model = Models.create(spec, 7)) {
      ModelExport.save(model, dir, provenance);
    }
    new ModelRegistry(lake.models(), spark.sparkContext().hadoopConfiguration())
        .register(name, spec, Files.readAllBytes(dir.resolve(ModelExport.WEIGHTS_FILE)), provenance);
  }

  private record Result(int code, String out, String err) {}

  private static Result main(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--set", "lake.root=" + lake.root()));
    for (String s : SETTINGS) all.addAll(List.of("--set", s));
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
