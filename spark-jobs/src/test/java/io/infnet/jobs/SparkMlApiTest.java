package io.infnet.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.ConfigException;
import io.infnet.config.choices.ModelType;
import io.infnet.ml.InfnetEstimator;
import io.infnet.ml.InfnetModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, items 1 and 3: the Spark ML API (InfnetEstimator, InfnetModel) on a real trained lake. */
class SparkMlApiTest {
  private static final String[] KEYS = {"user_id", "video_id", "time_ms"};
  private static Path lake;
  private static SparkSession spark;

  @BeforeAll
  static void lake() {
    lake = TrainedLake.copy();
    spark = TrainedLake.spark();
  }

  private static String features() {
    return lake.resolve("features/impressions").toUri().toString();
  }

  private static Dataset<Row> table() {
    return spark.read().format("delta").load(features());
  }

  /** A few test-split rows: enough to compare predictions, small enough to stay fast. */
  private static Dataset<Row> sample() {
    return table().where(col("date").gt("2022-04-12")).orderBy(KEYS[0], KEYS[1], KEYS[2]).limit(300).cache();
  }

  private static InfnetEstimator estimator(ModelType type) {
    return estimator(features(), type);
  }

  /** A small, fast fit of {@code type} on the shared lake's feature table {@code table}. */
  static InfnetEstimator estimator(String table, ModelType type) {
    return new InfnetEstimator().setFeatureTable(table).setTasks(TrainedLake.TASKS.toArray(String[]::new))
        .setConfig("model.type=" + type.configName(), "model.dim=8", "model.tower_hidden=16", "model.blocks=1",
            "train.batch_size=128", "train.epochs=1", "train.max_steps=2", "train.checkpoint_every=0",
            "split.train_end=2022-04-11", "split.valid_end=2022-04-12");
  }

  @Test
  void fitSaveLoadTransformGivesTheSamePredictionsForEveryModelType(@TempDir Path dir) throws Exception {
    Dataset<Row> rows = sample();
    for (ModelType type : ModelType.values()) {
      long started = System.nanoTime();
      Path saved = dir.resolve(type.configName());
      Dataset<Row> before, after;
      if (type == ModelType.INFNET) { // through a Pipeline: the fitted stage is saved and found again by its metadata
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {estimator(type)}).fit(table());
        before = fitted.transform(rows);
        fitted.write().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        assertTrue(loaded.stages()[0] instanceof InfnetModel, "the stage comes back as an InfnetModel");
        after = loaded.transform(rows);
      } else {
        InfnetModel model = estimator(type).fit(table());
        assertEquals(type, model.spec().type());
        assertEquals(features(), model.provenance().orElseThrow().features().path(), "the model names the table it was fitted on");
        before = model.transform(rows);
        model.save(saved.toString());
        assertTrue(Files.exists(saved.resolve("model.safetensors")) && Files.exists(saved.resolve("manifest.json")),
            "the saved form is the registry's files");
        assertTrue(!Files.exists(saved.resolve(".manifest.json.crc")), "and no Hadoop side files");
        try (io.infnet.model.RankingModel read = io.infnet.model.io.ModelExport.load(saved)) { // the registry's reader
          assertEquals(type, read.spec().type());
        }
        after = InfnetModel.load(saved.toString()).transform(rows);
      }
      assertEquals(300, before.count());
      assertSamePredictions(before, after, 1e-6, type.configName() + ": fit → save → load");
      System.out.printf("%s: fit, save, load, transform in %.1f s%n", type, (System.nanoTime() - started) / 1e9);
    }
  }

  @Test
  void aCliTrainedModelLoadsAndPredictsWhatTheScoreJobWrote() throws Exception {
    TrainedLake.inProcess(lake, new ScoreJob());
    Dataset<Row> written = spark.read().format("delta").load(lake.resolve("predictions").toString());
    InfnetModel model = InfnetModel.load(lake.resolve("models/infnet/2").toString());
    assertEquals("error", model.getHandleInvalid(), "the model's own model.out_of_range_ids");
    Dataset<Row> api = model.transform(sample());
    assertEquals(300, api.count());
    assertSamePredictions(api, written, 1e-6, "InfnetModel.load of the registered version vs bin/infnet score");
  }

  @Test
  void transformSchemaRefusesAMissingColumnOrAWrongTypeNamingIt() {
    InfnetModel model = InfnetModel.load(lake.resolve("models/infnet/2").toString());
    Dataset<Row> rows = table();
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> model.transform(rows.drop("cat")));
    assertTrue(missing.getMessage().contains("the input has no column 'cat' (expected array<int>)"), missing.getMessage());
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
        () -> model.transform(rows.withColumn("cat", col("cat").cast("array<bigint>"))));
    assertTrue(wrongType.getMessage().contains("column 'cat' is array<bigint>, expected array<int>"), wrongType.getMessage());
    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> model.setPredictionCol("label_").transformSchema(rows.schema()));
    assertTrue(taken.getMessage().contains("already has a column 'label_click'"), taken.getMessage());

    IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
        () -> estimator(ModelType.INFNET).fit(rows.withColumn("label_click", col("label_click").cast(DataTypes.DoubleType))));
    assertTrue(label.getMessage().contains("column 'label_click' is double, expected int"), label.getMessage());
    IllegalArgumentException date = assertThrows(IllegalArgumentException.class, () -> estimator(ModelType.INFNET).fit(rows.drop("date")));
    assertTrue(date.getMessage().contains("no column 'date' (expected string)"), date.getMessage());

    ConfigException unknown = assertThrows(ConfigException.class, () -> new InfnetEstimator().setConfig("model.dimm=8"));
    assertTrue(unknown.getMessage().contains("unknown config key 'model.dimm'"), unknown.getMessage());
    ConfigException outside = assertThrows(ConfigException.class, () -> new InfnetEstimator().setConfig("lake.root=/tmp"));
    assertTrue(outside.getMessage().contains("'lake.root=/tmp' is not a key=value of model.*, train.*, split.*, tasks.*"),
        outside.getMessage());
  }

  @Test
  void aModelSavedByANewerFormatIsRefusedNamingBothVersions(@TempDir Path dir) throws Exception {
    InfnetModel.load(lake.resolve("models/infnet/2").toString()).save(dir.resolve("m").toString());
    Path manifest = dir.resolve("m/manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replace("\"infnet-model/1\"", "\"infnet-model/2\""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InfnetModel.load(dir.resolve("m").toString()));
    assertTrue(e.getMessage().contains("newer format version, 'infnet-model/2'; this build reads up to 'infnet-model/1'"), e.getMessage());
  }

  @Test
  void theEstimatorItselfSavesAndLoadsWithItsParams(@TempDir Path dir) throws Exception {
    InfnetEstimator e = estimator(ModelType.MMOE).setHandleInvalid("oov").setPredictionCol("score_");
    e.save(dir.resolve("est").toString());
    InfnetEstimator loaded = InfnetEstimator.load(dir.resolve("est").toString());
    assertEquals(e.uid(), loaded.uid());
    assertEquals(e.trainingConfig(), loaded.trainingConfig());
    assertEquals("oov", loaded.trainingConfig().get(io.infnet.config.Keys.MODEL_OUT_OF_RANGE_IDS).configName());
    assertEquals("score_", loaded.getPredictionCol());
  }

  /** Joined on the row keys: every row of {@code a} is in {@code b} and every task's prediction is within {@code tolerance}. */
  static void assertSamePredictions(Dataset<Row> a, Dataset<Row> b, double tolerance, String what) {
    List<Column> diffs = new ArrayList<>();
    for (String task : TrainedLake.TASKS) {
      diffs.add(org.apache.spark.sql.functions.abs(a.col("p_" + task).minus(b.col("p_" + task))).as("d_" + task));
    }
    Column on = a.col(KEYS[0]).equalTo(b.col(KEYS[0])).and(a.col(KEYS[1]).equalTo(b.col(KEYS[1])))
        .and(a.col(KEYS[2]).equalTo(b.col(KEYS[2])));
    Dataset<Row> joined = a.join(b, on).select(diffs.toArray(Column[]::new));
    assertEquals(a.count(), joined.count(), what + ": every row found on both sides");
    Row max = joined.agg(org.apache.spark.sql.functions.max("d_" + TrainedLake.TASKS.get(0)),
        org.apache.spark.sql.functions.max("d_" + TrainedLake.TASKS.get(1))).first();
    for (int t = 0; t < TrainedLake.TASKS.size(); t++) {
      assertTrue(max.getFloat(t) <= tolerance, what + ": " + TrainedLake.TASKS.get(t) + " differs by up to " + max.getFloat(t));
    }
  }
}
