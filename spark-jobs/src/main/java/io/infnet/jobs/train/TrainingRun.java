package io.infnet.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.jobs.BuildInfo;
import io.infnet.jobs.JobContext;
import io.infnet.jobs.JobFailure;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.data.RowBatches;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingLoop;
import io.infnet.model.train.TrainingOptions;
import io.infnet.model.train.TrainingResult;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One training run: a pinned feature-table snapshot, checked before anything trains; the model trained by
 * the model module's loop on batches streamed from Spark; the result registered with its provenance and
 * its metric history appended to {@code training_runs}.
 */
public final class TrainingRun {
  /** What a finished run produced. */
  public record Outcome(String runId, ModelRegistry.Entry model, TrainingResult result, String featurePath,
      long featureVersion, Map<String, Long> rowsPerSplit) {}

  private TrainingRun() {}

  public static Outcome execute(JobContext context) throws IOException {
    InfnetConfig config = context.config();
    SparkSession spark = context.spark();
    if (config.get(Keys.TRAIN_WORKERS) > 1) {
      throw new JobFailure("train.workers=" + config.get(Keys.TRAIN_WORKERS)
          + ": this build trains in one JVM (the driver); set train.workers=1");
    }
    FeatureSnapshot snapshot = FeatureSnapshot.open(spark, context.lake().features(), config);
    FeatureSchema schema = snapshot.schemaFor(config.get(Keys.TASKS));
    Dataset<Row> train = snapshot.split("train");
    Dataset<Row> valid = snapshot.split("valid");
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("train", checkTrainable(train, schema.tasks(), "train", snapshot.path()));
    rows.put("valid", checkTrainable(valid, List.of(), "valid", snapshot.path()));

    String runId = Instant.now().toString().replaceAll("[-:.]", "").substring(0, 15) + "-" + UUID.randomUUID().toString().substring(0, 8);
    int batchSize = config.get(Keys.TRAIN_BATCH_SIZE);
    long stepsPerEpoch = (rows.get("train") + batchSize - 1) / batchSize;
    context.out().printf("train: run %s on %s (Delta version %d): %,d train rows, %,d valid rows, %d steps/epoch%n",
        runId, snapshot.path(), snapshot.version(), rows.get("train"), rows.get("valid"), stepsPerEpoch);

    RowBatches batches = new RowBatches(schema, config.get(Keys.MODEL_OUT_OF_RANGE_IDS).equals("oov"));
    ModelSpec spec = ModelSpec.from(config, schema);
    long seed = config.get(Keys.TRAIN_SEED);
    try (RankingModel model = Models.create(spec, seed);
        Trainer trainer = new Trainer(model, TrainingOptions.from(config))) {
      context.out().printf("train: %s with %,d parameters%n", config.get(Keys.MODEL_TYPE), model.parameterCount());
      ProgressReporter progress = new ProgressReporter(context.out(), stepsPerEpoch, config.get(Keys.TRAIN_EPOCHS));
      AtomicInteger epoch = new AtomicInteger();
      Supplier<Iterator<Batch>> trainBatches =
          () -> stream(batches, FeatureSnapshot.shuffled(train, seed + epoch.incrementAndGet()), batchSize);
      Supplier<Iterator<Batch>> validBatches = () -> stream(batches, valid, config.get(Keys.SCORE_BATCH_SIZE));
      TrainingResult result = TrainingLoop.fit(trainer, trainBatches, validBatches, progress);

      Map<String, Object> provenance = provenance(config, runId, snapshot, rows, result);
      ModelRegistry registry = new ModelRegistry(context.lake().models(), spark.sparkContext().hadoopConfiguration());
      ModelRegistry.Entry entry = registry.register(config.get(Keys.TRAIN_MODEL_NAME), model, provenance);
      RunHistoryTable.append(spark, context.lake().trainingRuns(), runId, entry.name(), entry.version(), progress.history());
      return new Outcome(runId, entry, result, snapshot.path(), snapshot.version(), rows);
    }
  }

  /** An empty split, or a task without positives, stops the run before it starts. */
  private static long checkTrainable(Dataset<Row> rows, List<String> tasks, String split, String path) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (String t : tasks) aggs.add(sum(col(FeatureSchema.labelColumn(t))));
    Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    long n = r.getLong(0);
    if (n == 0) throw new JobFailure("the " + split + " split of " + path + " is empty: check split.train_end / split.valid_end");
    for (int i = 0; i < tasks.size(); i++) {
      if (r.isNullAt(i + 1) || r.getLong(i + 1) == 0) {
        throw new JobFailure("task '" + tasks.get(i) + "' has no positive label in the " + split + " split of " + path);
      }
    }
    return n;
  }

  private static Iterator<Batch> stream(RowBatches batches, Dataset<Row> rows, int batchSize) {
    Column[] cols = batches.columns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    return batches.batches(rows.select(cols).toLocalIterator(), batchSize, r -> {});
  }

  private static Map<String, Object> provenance(InfnetConfig config, String runId, FeatureSnapshot snapshot,
      Map<String, Long> rows, TrainingResult result) {
    Map<String, Object> features = new LinkedHashMap<>();
    features.put("path", snapshot.path());
    features.put("delta_version", snapshot.version());
    features.put("rows", new LinkedHashMap<>(rows));
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("run_id", runId);
    training.put("epochs_run", result.epochsRun());
    training.put("best_epoch", result.bestEpoch());
    training.put("best_valid_auc", new LinkedHashMap<>(result.bestValidAuc()));
    training.put("finished_at", Instant.now().toString());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("config", config.toPlain());
    p.put("config_hash", config.hash());
    p.put("features", features);
    p.put("training", training);
    p.put("code", BuildInfo.describe());
    return p;
  }
}
