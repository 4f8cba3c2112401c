package io.infnet.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.choices.ModelType;
import io.infnet.features.FeatureEncoder;
import io.infnet.features.FeatureTables;
import io.infnet.ml.InfnetModel;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.MetadataBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.immutable.Seq;

/**
 * Issue 11, item 2: the feature build's vocabularies and bucket splits as a fitted Spark ML stage ({@link FeatureEncoder}),
 * on the shared trained lake: raw joined rows → the feature table's very ids → a Pipeline with the estimator.
 */
class FeatureEncoderTest {
  private static final String[] KEYS = {"user_id", "video_id", "time_ms"};
  private static Path lake;
  private static SparkSession spark;
  private static FeatureEncoder encoder;

  @BeforeAll
  static void lake() {
    lake = TrainedLake.copy();
    spark = TrainedLake.spark();
    encoder = FeatureEncoder.fromTable(spark, features());
  }

  private static String features() {
    return lake.resolve("features/impressions").toUri().toString();
  }

  private static Dataset<Row> table() {
    return spark.read().format("delta").load(features());
  }

  /**
   * The raw log joined as the build joins it, plus what no per-row encoding gives: the feature table's point-in-time
   * sequences, labels and date (joined on the keys). No {@code cat} or {@code multi_*}: the stage makes those.
   */
  private static Dataset<Row> rawRows() {
    Dataset<Row> log = spark.read().format("delta").load(lake.resolve("raw/log").toString()).dropDuplicates(KEYS);
    Dataset<Row> joined = encoder.withProfiles(log, lake.toString()).drop("date");
    List<String> encoded = new ArrayList<>(List.of(FeatureSchema.CAT_COLUMN));
    Arrays.stream(table().columns()).filter(c -> c.startsWith("multi_")).forEach(encoded::add);
    return joined.join(table().drop(encoded.toArray(String[]::new)), seq(KEYS));
  }

  private static Seq<String> seq(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(columns)).toList();
  }

  @Test
  void rawRowsEncodeToTheFeatureTablesIds() {
    Dataset<Row> mine = encoder.transform(rawRows()).select(col(KEYS[0]), col(KEYS[1]), col(KEYS[2]), col("cat").as("mine_cat"),
        col("multi_tag").as("mine_tag"));
    Dataset<Row> both = table().join(mine, seq(KEYS));
    long rows = table().count();
    assertTrue(rows > 1000, "the lake has rows: " + rows);
    assertEquals(rows, both.count(), "every feature row has its raw row");
    assertEquals(0, both.where(col("cat").notEqual(col("mine_cat")).or(col("multi_tag").notEqual(col("mine_tag")))).count(),
        "the stage gives every row the build's cat and multi_tag ids");
    assertEquals(encoder.encoding(), FeatureTables.pinCurrent(spark, features()).encoding(), "the table's own mappings");
  }

  @Test
  void aPipelineOfEncoderAndEstimatorFitsRawRowsSavesLoadsAndScoresAsTheModelScoresTheTable(@TempDir Path dir) throws Exception {
    Dataset<Row> raw = rawRows();
    PipelineModel fitted = new Pipeline()
        .setStages(new PipelineStage[] {encoder, SparkMlApiTest.estimator(features(), ModelType.INFNET)}).fit(raw);
    Dataset<Row> sample = raw.where(col("date").gt("2022-04-12")).orderBy(KEYS[0], KEYS[1], KEYS[2]).limit(300).cache();
    Dataset<Row> before = fitted.transform(sample);
    assertEquals(300, before.count());
    Dataset<Row> tableRows = table().join(sample.select(KEYS[0], KEYS[1], KEYS[2]), seq(KEYS));
    SparkMlApiTest.assertSamePredictions(before, ((InfnetModel) fitted.stages()[1]).transform(tableRows), 1e-6,
        "raw rows through the pipeline vs the fitted model on the feature table's rows");

    fitted.write().save(dir.resolve("pipeline").toString());
    assertTrue(Files.isDirectory(dir.resolve("pipeline/stages/0_" + encoder.uid() + "/vocabulary")), "the vocabulary is saved with it");
    PipelineModel loaded = PipelineModel.load(dir.resolve("pipeline").toString());
    assertTrue(loaded.stages()[0] instanceof FeatureEncoder, "the stage comes back as a FeatureEncoder");
    assertEquals(encoder.encoding(), ((FeatureEncoder) loaded.stages()[0]).encoding());
    SparkMlApiTest.assertSamePredictions(before, loaded.transform(sample), 1e-6, "fit → save → load of the pipeline");
  }

  @Test
  void handleInvalidMapsAnUnseenValueToOovOrStopsNamingIt() {
    Dataset<Row> rows = rawRows().limit(20).withColumn("user_active_degree", lit("never_seen_degree"));
    int slot = FeatureTables.readSchema(spark, features()).fieldIndex("user_active_degree");
    List<Row> ids = encoder.transform(rows).select(col("cat").getItem(slot)).collectAsList();
    assertEquals(20, ids.size());
    assertTrue(ids.stream().allMatch(r -> r.getInt(0) == 0), "oov (the default, as the build encodes): id 0");

    FeatureEncoder strict = encoder.copy(new org.apache.spark.ml.param.ParamMap()).setHandleInvalid("error");
    Exception e = assertThrows(Exception.class, () -> strict.transform(rows).collectAsList());
    assertTrue(e.getMessage().contains("column 'user_active_degree' has value 'never_seen_degree', which is not in its vocabulary"),
        e.getMessage());
    assertEquals(20, strict.transform(rawRows().limit(20)).count(), "known values pass with error");
  }

  @Test
  void wrongInputAndIdsOfOtherMappingsAreRefusedBeforeAnyWork(@TempDir Path dir) throws Exception {
    Dataset<Row> raw = rawRows();
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> encoder.transform(raw.drop("tab")));
    assertTrue(missing.getMessage().contains("the input has no column 'tab' (feature field; expected a string, number or boolean)"),
        missing.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> encoder.transform(raw.withColumn("video_duration", col("video_duration").cast("string"))));
    assertTrue(type.getMessage().contains("column 'video_duration' is string, expected a number"), type.getMessage());
    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> encoder.transform(encoder.transform(raw)));
    assertTrue(taken.getMessage().contains("already has a column 'cat'"), taken.getMessage());

    IdEncoding mine = encoder.encoding();
    IdEncoding other = IdEncoding.of(99, "00000000000000ff-1", mine.bucketSplits().deltaVersion(), mine.bucketSplits().contentHash());
    Dataset<Row> encoded = encoder.transform(raw);
    Dataset<Row> otherIds = encoded.withColumn("cat", col("cat").as("cat",
        new MetadataBuilder().putString(FeatureEncoder.ID_ENCODING_METADATA, other.toJson()).build()));
    InfnetModel model = InfnetModel.load(lake.resolve("models/infnet/2").toString());
    assertEquals(1, model.transform(encoded.limit(1)).count(), "the table's own mappings pass");
    IllegalArgumentException scored = assertThrows(IllegalArgumentException.class, () -> model.transform(otherIds));
    assertTrue(scored.getMessage().contains("the rows' from Delta version 99 (hash 00000000000000ff-1)"), scored.getMessage());
    IllegalArgumentException fit = assertThrows(IllegalArgumentException.class,
        () -> SparkMlApiTest.estimator(features(), ModelType.INFNET).fit(otherIds));
    assertTrue(fit.getMessage().contains("the rows' from Delta version 99"), fit.getMessage());

    encoder.save(dir.resolve("enc").toString());
    Path meta = dir.resolve("enc/metadata/part-00000");
    Files.writeString(meta, Files.readString(meta).replace(mine.vocabulary().contentHash(), "00000000000000ff-1"));
    IllegalArgumentException modified = assertThrows(IllegalArgumentException.class, () -> FeatureEncoder.load(dir.resolve("enc").toString()));
    assertTrue(modified.getMessage().contains("the saved vocabulary or bucket splits were modified"), modified.getMessage());
  }

  @Test
  void theCatColumnCarriesTheEncodingSoOnlyThisStagesIdsAreChecked() {
    Dataset<Row> encoded = encoder.transform(rawRows().limit(5));
    assertEquals(encoder.encoding(), FeatureEncoder.encodingOf(encoded.schema()).orElseThrow());
    assertTrue(FeatureEncoder.encodingOf(table().schema()).isEmpty(), "a feature table's rows carry none (the jobs check those)");
  }
}
