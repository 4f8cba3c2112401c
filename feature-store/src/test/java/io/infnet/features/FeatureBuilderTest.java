package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FeatureBuilderTest {
  private static SparkSession spark;
  private static InfnetConfig config;
  private static FeatureBuildResult built;

  @BeforeAll
  static void build() {
    spark = SparkTestSupport.spark();
    config = SmallLake.copy();
    built = FeatureBuilder.run(spark, config);
  }

  @Test
  void tableColumnsAreExactlyThoseOfTheFeatureSchema() {
    FeatureSchema schema = built.schema();
    List<String> expected = new ArrayList<>(FeatureSchema.KEY_COLUMNS);
    expected.add(FeatureSchema.CAT_COLUMN);
    expected.add(FeatureSchema.multiValuedColumn("tag"));
    for (FeatureSchema.Sequence s : schema.sequences()) {
      for (String f : s.fields()) expected.add(FeatureSchema.sequenceColumn(s.name(), f));
      expected.add(FeatureSchema.gapColumn(s.name()));
    }
    for (String t : schema.tasks()) expected.add(FeatureSchema.labelColumn(t));
    for (String t : schema.tasks()) expected.add(FeatureSchema.oracleColumn(t));
    Dataset<Row> table = Delta.read(spark, built.tablePath());
    assertEquals(expected, Arrays.asList(table.columns()));
    assertEquals(List.of("click", "like", "long_view"), schema.tasks());
    assertEquals(List.of("video_id", "author_id", "tag"), schema.sequences().get(0).fields());
    assertEquals("string", table.schema().apply("date").dataType().simpleString());
    assertEquals("array<int>", table.schema().apply("cat").dataType().simpleString());

    // every id is inside its field's cardinality, and cat has one id per field
    Row bounds = table.selectExpr("min(size(cat))", "max(size(cat))").first();
    assertEquals(schema.fields().size(), bounds.getInt(0));
    assertEquals(schema.fields().size(), bounds.getInt(1));
    List<String> ranges = new ArrayList<>();
    for (int i = 0; i < schema.fields().size(); i++) ranges.addAll(List.of("min(cat[" + i + "])", "max(cat[" + i + "])"));
    Row r = table.selectExpr(ranges.toArray(String[]::new)).first();
    for (int i = 0; i < schema.fields().size(); i++) {
      FeatureSchema.Field f = schema.fields().get(i);
      assertTrue(r.getInt(2 * i) >= 0 && r.getInt(2 * i + 1) < f.cardinality(), f.name() + " ids outside [0, " + f.cardinality() + ")");
    }
    assertEquals(built.rowsPerSplit().values().stream().mapToLong(Long::longValue).sum(), table.count());
    assertEquals(List.of("test", "train", "valid"), new ArrayList<>(built.rowsPerSplit().keySet()));
  }

  @Test
  void schemaPropertyRoundTripsWithConfigAndLineage() {
    assertEquals(built.schema(), FeatureTables.readSchema(spark, built.tablePath()));
    var props = FeatureTables.properties(spark, built.tablePath());
    assertEquals(config.hash(), props.get(FeatureTables.CONFIG_HASH_PROPERTY));
    assertEquals(config.toJson(), props.get(FeatureTables.CONFIG_PROPERTY));
    assertEquals(String.valueOf(Delta.version(spark, LakePaths.of(config).rawLog())), props.get("infnet.source.log.version"));
    assertEquals(String.valueOf(Delta.read(spark, LakePaths.of(config).rawUsers()).count()), props.get("infnet.source.users.rows"));
    assertTrue(FeatureTables.currentVersion(spark, built.tablePath()) >= built.tableVersion());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FeatureTables.readSchema(spark, LakePaths.of(config).rawLog()));
    assertTrue(e.getMessage().contains(FeatureSchema.TABLE_PROPERTY), e.getMessage());
  }

  /** Each task's oracle column is the generator's probability of its label's flag for that very impression. */
  @Test
  void oracleColumnsHoldTheTrueProbabilitiesOfEachRowsLabel() {
    Dataset<Row> table = Delta.read(spark, built.tablePath());
    Dataset<Row> oracle = Delta.read(spark, LakePaths.of(config).rawOracle());
    Map<String, String> flags = Map.of("click", "is_click", "like", "is_like", "long_view", "long_view");
    for (Map.Entry<String, String> task : flags.entrySet()) {
      String column = FeatureSchema.oracleColumn(task.getKey());
      assertEquals("double", table.schema().apply(column).dataType().simpleString());
      Row r = table.join(oracle, List.of("user_id", "video_id", "time_ms").toArray(String[]::new), "left")
          .agg(functions.count(functions.lit(1)), functions.count(col(column)),
              functions.sum(functions.when(col(column).equalTo(col(task.getValue())), 1).otherwise(0)))
          .first();
      assertEquals(table.count(), r.getLong(0), "one oracle row per feature row");
      assertEquals(r.getLong(0), r.getLong(1), column + " is set on every row of a generated lake");
      assertEquals(r.getLong(0), r.getLong(2), column + " equals the oracle's " + task.getValue() + " of the same impression");
    }
    assertEquals(String.valueOf(Delta.version(spark, LakePaths.of(config).rawOracle())),
        FeatureTables.properties(spark, built.tablePath()).get("infnet.source.oracle.version"));
  }

  @Test
  void anOracleColumnCannotBeAFeature() {
    InfnetConfig cheating = SmallLake.copy("features.numeric=play_time_ms," + FeatureSchema.oracleColumn("click"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureBuilder.run(spark, cheating));
    assertTrue(e.getMessage().contains("feature field 'oracle_click' is not a column"), e.getMessage());
  }

  @Test
  void vocabularyCountsComeFromTrainRowsOnlyAndRespectMinCount() {
    Dataset<Row> vocabulary = Delta.read(spark, LakePaths.of(config).vocabulary()).where("field = 'video_id'");
    Dataset<Row> trainCounts = Delta.read(spark, built.tablePath()).where("split = 'train'")
        .groupBy(col("video_id").cast("string").as("value")).count().withColumnRenamed("count", "train_count");
    Dataset<Row> compared = vocabulary.join(trainCounts, "value");
    assertEquals(vocabulary.count(), compared.count(), "every vocabulary value occurs in train");
    assertEquals(0, compared.where("count != train_count").count(), "vocabulary counts are train counts");
    assertEquals(0, Delta.read(spark, LakePaths.of(config).vocabulary()).where("count < 2 or index < 1").count());
    // a video seen once in train is below min_count=2: its rows carry OOV (0)
    int videoPosition = built.schema().fieldIndex("video_id");
    Dataset<Row> rare = trainCounts.where("train_count = 1");
    if (rare.count() > 0) {
      String value = rare.first().getString(0);
      Row r = Delta.read(spark, built.tablePath()).where("video_id = " + value).selectExpr("max(cat[" + videoPosition + "])").first();
      assertEquals(0, r.getInt(0));
    }
  }

  @Test
  void rerunGivesTheSameTable() {
    Dataset<Row> before = Delta.read(spark, built.tablePath()).localCheckpoint();
    FeatureBuildResult again = FeatureBuilder.run(spark, config);
    Dataset<Row> after = Delta.read(spark, again.tablePath());
    assertEquals(before.count(), after.count());
    assertEquals(0, before.exceptAll(after).count());
    assertEquals(0, after.exceptAll(before).count());
    assertEquals(built.rowsPerSplit(), again.rowsPerSplit());
    assertTrue(again.tableVersion() > built.tableVersion());
    assertEquals(again.tableVersion(), FeatureTables.currentVersion(spark, again.tablePath()));
  }

  @Test
  void rawTableWithMissingColumnOrWrongTypeIsRejectedByName() {
    InfnetConfig broken = SmallLake.copy();
    String log = LakePaths.of(broken).rawLog();
    Dataset<Row> raw = Delta.read(spark, log).localCheckpoint();

    Delta.overwrite(raw.drop("tab"), log, "date");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> FeatureBuilder.run(spark, broken));
    assertTrue(missing.getMessage().contains("'log'") && missing.getMessage().contains("missing column tab (expected int)"),
        missing.getMessage());

    Delta.overwrite(raw.withColumn("is_click", col("is_click").cast("string")), log, "date");
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> FeatureBuilder.run(spark, broken));
    assertTrue(wrongType.getMessage().contains("'log'")
        && wrongType.getMessage().contains("column is_click has type string, expected int"), wrongType.getMessage());
  }

  @Test
  void labelRuleOutsideZeroOneStopsTheBuildNamingTaskAndValue() {
    InfnetConfig badRule = SmallLake.copy("tasks.labels.like=is_click + is_like");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureBuilder.run(spark, badRule));
    assertTrue(e.getMessage().contains("task 'like'") && e.getMessage().contains("2"), e.getMessage());
  }

  /**
   * Dirty rows are dropped and counted by reason; with a frozen vocabulary the ids are the first build's,
   * and an unseen video becomes OOV and is counted.
   */
  @Test
  void dirtyRowsAreCountedAndFrozenVocabularyKeepsIds() {
    InfnetConfig dirty = SmallLake.copyOf(config, List.of("raw", "features/vocabulary", "features/bucket_splits"),
        "features.freeze_vocabulary=true", "features.min_count=1000000");
    String log = LakePaths.of(dirty).rawLog();
    Dataset<Row> raw = Delta.read(spark, log);
    long rawRows = raw.count();
    Dataset<Row> sample = raw.orderBy("user_id", "time_ms").limit(3).localCheckpoint();
    Dataset<Row> extra = sample                                                     // 3 exact duplicates
        .union(sample.limit(1).withColumn("is_click", functions.lit(2)).withColumn("time_ms", col("time_ms").plus(1)))
        .union(sample.limit(1).withColumn("user_id", functions.lit(null).cast("long")))
        .union(sample.limit(1).withColumn("date", functions.lit(20221345)).withColumn("time_ms", col("time_ms").plus(2)))
        .union(sample.limit(1).withColumn("video_id", functions.lit(987_654_321L)).withColumn("date", functions.lit(20220413)));
    Delta.append(extra.select(raw.columns()[0], java.util.Arrays.copyOfRange(raw.columns(), 1, raw.columns().length)), log);

    FeatureBuildResult result = FeatureBuilder.run(spark, dirty);
    Map<String, Double> dropped = section(result.qualityReport(), "dropped");
    assertEquals(3.0, dropped.get("duplicate_impression"));
    assertEquals(1.0, dropped.get("flag_outside_0_1"));
    assertEquals(1.0, dropped.get("null_key"));
    assertEquals(1.0, dropped.get("unparseable_date"));
    assertEquals(rawRows + 1, Delta.read(spark, result.tablePath()).count(), "only the unseen-video row is added");
    assertTrue(Arrays.stream(Delta.read(spark, result.tablePath()).columns()).noneMatch(c -> c.startsWith("oracle_")),
        "the oracle was generated with the log before these rows were appended: ignored");
    assertEquals(1.0, section(result.qualityReport(), "unknown_key").get("video_id"));
    assertEquals(built.schema(), result.schema(), "frozen vocabulary: same cardinalities");
    assertEquals(1, Delta.read(spark, LakePaths.of(dirty).quality()).where("section = 'dropped'")
        .select("table_version").distinct().count());

    Dataset<Row> ids = Delta.read(spark, result.tablePath()).select(col("user_id"), col("video_id"), col("time_ms"), col("cat").as("frozen"));
    Dataset<Row> first = Delta.read(spark, built.tablePath()).select("user_id", "video_id", "time_ms", "cat");
    assertEquals(0, first.join(ids, List.of("user_id", "video_id", "time_ms").toArray(String[]::new)).where("cat != frozen").count());
    int videoPosition = built.schema().fieldIndex("video_id");
    Row unseen = Delta.read(spark, result.tablePath()).where("video_id = 987654321").first();
    assertEquals(0, (int) unseen.<Integer>getList(unseen.fieldIndex("cat")).get(videoPosition));
    double testOov = result.qualityReport().where("section = 'oov_rate' and name = 'video_id' and split = 'test'").first().getDouble(6);
    assertTrue(testOov > 0, "unseen video counted as OOV in the test split");
  }

  private static Map<String, Double> section(Dataset<Row> report, String section) {
    Map<String, Double> values = new java.util.HashMap<>();
    for (Row r : report.where(col("section").equalTo(section)).collectAsList()) {
      values.merge(r.getString(r.fieldIndex("name")), r.getDouble(r.fieldIndex("value")), Double::sum);
    }
    return values;
  }
}
