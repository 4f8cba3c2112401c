package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command at a small size: every table, the model and the summary, end to end. */
class QuickstartIT {
  @TempDir Path tmp;

  @Test
  void quickstartLeavesEveryTableTheModelAndASummary() throws Exception {
    Path lake = tmp.resolve("lake");
    String[] small = {"--set", "lake.root=" + lake, "--set", "datagen.users=400", "--set", "datagen.videos=300",
        "--set", "datagen.days=8", "--set", "datagen.impressions_per_user_day=12", "--set", "split.train_end=2022-04-13",
        "--set", "split.valid_end=2022-04-14", "--set", "train.batch_size=256",
        "--set", "model.dim=16", "--set", "features.sequence_max_length=10", "--set", "spark.shuffle_partitions=4"};
    LauncherProcess.Result r = LauncherProcess.run(null, 900, concat("quickstart", small));
    assertEquals(0, r.exitCode(), r.all());
    String out = r.stdout();
    assertTrue(out.contains("== quickstart summary =="), out);
    for (String table : new String[] {"raw/log", "raw/users", "raw/videos", "raw/oracle", "features/impressions", "predictions",
        "training_runs", "evaluations", "features/vocabulary"}) {
      assertTrue(Files.isDirectory(lake.resolve(table).resolve("_delta_log")), table + " is a Delta table");
    }
    Path model = lake.resolve("models/infnet/1");
    assertTrue(Files.size(model.resolve("model.safetensors")) > 1000, "weights exported");
    assertTrue(Files.readString(model.resolve("manifest.json")).contains("config_hash"), "manifest records the config");
    runReportIsNextToTheModelAndTheRun(lake, model, out);

    // The trained model beats chance on the test split for every task; the oracle (the generator's true
    // probabilities, on the same rows) is the ceiling: the model may beat it only by noise.
    for (String task : TASKS) {
      double[] trained = aucAndLogLoss(out, task);
      double[] oracle = aucAndLogLoss(out, task + " (oracle)");
      assertTrue(trained[0] > 0.55, task + " test AUC " + trained[0]);
      assertTrue(oracle[0] >= trained[0] - 0.02, task + " oracle AUC " + oracle[0] + " below the model's " + trained[0]);
      assertTrue(oracle[1] > 0 && oracle[1] < 1, task + " oracle logloss " + oracle[1]);
    }
    Matcher written = Pattern.compile("predictions written: ([0-9,]+)").matcher(out);
    assertTrue(written.find(), out);
    long predictions = Long.parseLong(written.group(1).replace(",", ""));
    assertTrue(predictions > 0, out);

    // Promote v1, then score again with the production model: the same date partitions are replaced.
    LauncherProcess.Result promoted = LauncherProcess.run(null, 300, concat("promote", small));
    assertEquals(0, promoted.exitCode(), promoted.all());
    assertTrue(promoted.stdout().contains("promote: infnet version 1 is now production"), promoted.stdout());
    String[] production = concat("score", small);
    production = java.util.Arrays.copyOf(production, production.length + 2);
    production[production.length - 2] = "--set";
    production[production.length - 1] = "score.model=production";
    LauncherProcess.Result again = LauncherProcess.run(null, 600, production);
    assertEquals(0, again.exitCode(), again.all());
    assertTrue(again.stdout().contains("score: " + written.group(1) + " predictions"), again.stdout());

    notebookQueriesRunOn(lake, predictions);
  }

  private static final String[] TASKS = {"click", "like", "long_view"};

  /** AUC and logloss of the metrics line named {@code name} ("click", "click (oracle)") of the printed table. */
  private static double[] aucAndLogLoss(String out, String name) {
    String number = "\\s+([0-9.,]+|NaN)";
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + number.repeat(6) + "$").matcher(out);
    assertTrue(m.find(), "a metrics line for " + name + " in:\n" + out);
    return new double[] {Double.parseDouble(m.group(3)), Double.parseDouble(m.group(6))};
  }

  /** The run's HTML report: in the model's registry dir and the run's checkpoint dir, named in the summary, with its curves. */
  private static void runReportIsNextToTheModelAndTheRun(Path lake, Path model, String out) throws Exception {
    Path report = model.resolve("report.html");
    assertTrue(Files.isRegularFile(report), "report.html in " + model);
    String html = Files.readString(report);
    for (String chart : new String[] {"chart-loss", "chart-auc", "chart-logloss"}) {
      assertTrue(html.contains("id=\"" + chart + "\"") && html.contains("<polyline"), chart + " in the report");
    }
    try (var runs = Files.list(lake.resolve("checkpoints/infnet"))) {
      Path run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
      assertEquals(html, Files.readString(run.resolve("report.html")), "the run directory holds the same report");
    }
    assertTrue(out.contains("run report (loss and per-task AUC curves): ") && out.contains("1/report.html"), out);
  }

  /** Every SQL paragraph of the Zeppelin note runs on this lake and returns rows. */
  private static void notebookQueriesRunOn(Path lake, long predictions) throws Exception {
    String note = Files.readString(LauncherProcess.PROJECT.resolve("notebooks/infnet-runs.zpln"));
    java.util.Map<String, Object> json = io.infnet.json.Jsons.readMap(note, Object.class, "the Zeppelin note");
    org.apache.spark.sql.SparkSession spark = io.infnet.features.spark.SparkSessions.getOrCreate(
        io.infnet.config.InfnetConfig.defaults().with("spark.master=local[2]", "spark.shuffle_partitions=2"), "notebook-check");
    int queries = 0, scalaParagraphs = 0;
    try {
      for (Object o : (java.util.List<?>) json.get("paragraphs")) {
        String text = (String) ((java.util.Map<?, ?>) o).get("text");
        if (text.startsWith("%spark\n")) {
          productionModelScoresThroughTheSparkMlApi(spark, lake, text);
          scalaParagraphs++;
        }
        if (!text.startsWith("%spark.sql")) continue;
        String sql = text.substring(text.indexOf('\n') + 1).replace("${lake=./lake}", lake.toString());
        long rows = spark.sql(sql).count();
        assertTrue(rows > 0, "notebook query returned nothing:\n" + sql);
        queries++;
      }
      long tableRows = spark.read().format("delta").load(lake.resolve("predictions").toString()).count();
      assertEquals(predictions, tableRows, "the predictions table holds each scored row once after two scoring runs");
      oracleIsBesideTheLabelsNeverAModelInput(spark, lake);
    } finally {
      spark.stop();
    }
    assertTrue(queries >= 5, "the note has its SQL paragraphs");
    assertEquals(1, scalaParagraphs, "the note has its Spark ML API paragraph");
  }

  /**
   * The note's Scala paragraph, step by step through the same Java API (no Scala compiler in the build to run its text):
   * the version PRODUCTION names, loaded with {@code InfnetModel.load}, scores test rows of the feature table.
   */
  private static void productionModelScoresThroughTheSparkMlApi(org.apache.spark.sql.SparkSession spark, Path lake, String paragraph)
      throws Exception {
    for (String step : new String[] {"models/infnet/PRODUCTION", "InfnetModel.load(s\"$lakeRoot/models/infnet/$production\")",
        "features/impressions\").where(\"split = 'test'\")", "model.transform(sample)"}) {
      assertTrue(paragraph.contains(step), "the paragraph does " + step + ":\n" + paragraph);
    }
    String production = Files.readString(lake.resolve("models/infnet/PRODUCTION")).trim();
    io.infnet.ml.InfnetModel model = io.infnet.ml.InfnetModel.load(lake.toUri() + "models/infnet/" + production);
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> scored = model.transform(
        spark.read().format("delta").load(lake.resolve("features/impressions").toString()).where("split = 'test'").limit(1000));
    long valid = scored.where("p_click > 0 AND p_click < 1 AND p_long_view > 0 AND p_long_view < 1").count();
    assertEquals(1000, valid, "every sampled row gets a probability per task from the production model");
  }

  /**
   * The feature table carries oracle_<task> for every task, the model's input columns hold none of them, and the
   * evaluations table records the oracle's metrics beside the model's.
   */
  private static void oracleIsBesideTheLabelsNeverAModelInput(org.apache.spark.sql.SparkSession spark, Path lake) {
    String features = lake.resolve("features/impressions").toString();
    java.util.List<String> columns = java.util.List.of(spark.read().format("delta").load(features).columns());
    java.util.List<String> modelInput = new io.infnet.jobs.data.RowBatches(
        io.infnet.features.FeatureTables.readSchema(spark, features), false).columns();
    for (String task : TASKS) {
      String oracle = io.infnet.schema.FeatureSchema.oracleColumn(task);
      assertTrue(columns.contains(oracle), oracle + " in the feature table " + columns);
      assertTrue(modelInput.contains(io.infnet.schema.FeatureSchema.labelColumn(task)), "the label is a batch column");
    }
    assertTrue(modelInput.stream().noneMatch(c -> c.startsWith("oracle_")), "no oracle column in the model input " + modelInput);
    long withOracle = spark.read().format("delta").load(lake.resolve("evaluations").toString())
        .where("oracle_auc > 0.5 and oracle_logloss is not null").count();
    assertEquals(TASKS.length, withOracle, "the evaluation of every task records the oracle's metrics");
  }

  private static String[] concat(String job, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = job;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
