package io.infnet.jobs.train;


import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.jobs.JobContext;
import io.infnet.jobs.JobFailure;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.ml.InfnetEstimator;
import io.infnet.ml.InfnetModel;
import io.infnet.ml.InfnetTraining;
import io.infnet.jobs.dist.DistributedTrainer;
import io.infnet.jobs.dist.WorkerMemory;
import io.infnet.jobs.lake.AtomicPublish;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.jobs.registry.ModelStore;
import io.infnet.jobs.report.RunReport;
import io.infnet.json.Jsons;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * One training run: a pinned feature-table snapshot checked before anything trains, synchronous data-parallel
 * training ({@link DistributedTrainer}; one worker on local[*]), the result registered with its provenance and
 * its metric history appended to {@code training_runs}. {@code --resume} continues the newest unfinished run of
 * the same model and config from its latest checkpoint.
 */
public final class TrainingRun {
  private static final String RUN_FILE = "run.json";
  private static final String FINISHED = "FINISHED";

  /** What a finished run produced. */
  public record Outcome(String runId, ModelStore.Entry model, DistributedTrainer.Result result, String featurePath,
      long featureVersion, Map<String, Long> rowsPerSplit, String reportPath) {}

  private TrainingRun() {}

  public static Outcome execute(JobContext context, boolean resume) throws IOException {
    InfnetConfig config = context.config();
    SparkSession spark = context.spark();
    String modelName = config.get(Keys.TRAIN_MODEL_NAME);
    Path runsDir = new Path(context.lake().checkpoints(), modelName);
    FileSystem fs = runsDir.getFileSystem(spark.sparkContext().hadoopConfiguration());

    String runId;
    FeatureSnapshot snapshot;
    if (resume) {
      RunFile run = unfinishedRun(fs, runsDir, config);
      runId = run.runId();
      snapshot = FeatureSnapshot.open(spark, context.lake().features(), config, run.featuresVersion());
      context.out().printf("train: resuming run %s%n", runId);
    } else {
      runId = Instant.now().toString().replaceAll("[-:.]", "").substring(0, 15) + "-" + UUID.randomUUID().toString().substring(0, 8);
      snapshot = FeatureSnapshot.open(spark, context.lake().features(), config);
    }
    FeatureSchema schema = snapshot.schemaFor(config.get(Keys.TASKS));
    Map<String, Long> rows = InfnetTraining.checkTrainable(snapshot, schema);
    int workers = config.get(Keys.TRAIN_WORKERS);
    WorkerMemory.of(schema, config, rows.get("train"), workers, rows.get("valid"))
        .requireFits(WorkerMemory.Limits.of(spark.sparkContext().getConf(), Runtime.getRuntime().maxMemory()));
    Path runDir = new Path(runsDir, runId);
    if (!resume) writeRunFile(fs, runDir, runId, config, snapshot);
    context.out().printf("train: run %s on %s (Delta version %d): %,d train rows, %,d valid rows%n",
        runId, snapshot.path(), snapshot.version(), rows.get("train"), rows.get("valid"));

    // the Spark ML API's fit: the CLI trains as a notebook does, on the pinned version's rows, with this whole config
    InfnetModel model = new InfnetEstimator().withBaseConfig(config).withProgress(context.out()).withCheckedRows(rows)
        .setFeatureTable(snapshot.path()).setFeatureTableVersion(snapshot.version()).setRunId(runId)
        .setCheckpointDir(runsDir.toString()).fit(snapshot.table());
    DistributedTrainer.Result result = model.trainingResult().orElseThrow();
    context.out().printf(java.util.Locale.ROOT, "train: %d steps, %.0f samples/s; mean step of worker 0 over %d steps after warm-up: %s%n",
        result.steps(), result.samplesPerSecond(config.get(Keys.TRAIN_BATCH_SIZE)), result.timedSteps(), result.stepTime());

    // the checkpoint's weights file is published as it is: no model is rebuilt on the driver
    ModelStore registry = new ModelRegistry(context.lake().models(), spark.sparkContext().hadoopConfiguration());
    ModelStore.Entry entry = registry.register(modelName, model.spec(), model.weightsFile(), model.provenance().orElseThrow());
    RunHistoryTable.append(spark, context.lake().trainingRuns(), runId, entry.name(), entry.version(), result.history());
    RunReport.Run run = new RunReport.Run(runId, entry.name(), entry.version(), config.hash(), snapshot.path(),
        snapshot.version(), rows, config.get(Keys.TRAIN_WORKERS), result);
    String report = writeReport(fs, runDir, registry, entry, run);
    context.out().printf("train: report %s (also in %s)%n", report, runDir);
    // FINISHED only once the model is registered: a driver that dies before still leaves the run resumable
    AtomicPublish.file(fs, new Path(runDir, FINISHED), (entry.name() + "/" + entry.version() + "\n").getBytes(StandardCharsets.UTF_8));
    return new Outcome(runId, entry, result, snapshot.path(), snapshot.version(), rows, report);
  }

  /** The report goes next to the run's checkpoints and next to the registered model; returns the model's copy. */
  private static String writeReport(FileSystem fs, Path runDir, ModelStore registry, ModelStore.Entry entry,
      RunReport.Run run) throws IOException {
    byte[] html = RunReport.html(run).getBytes(StandardCharsets.UTF_8);
    AtomicPublish.file(fs, new Path(runDir, RunReport.FILE), html);
    return registry.attach(entry, RunReport.FILE, html);
  }

  /** {@code run.json} of a run's checkpoint folder: what {@code --resume} needs to continue on the same data and config. */
  /** @param trainingHash {@link InfnetConfig#trainingHash()}; null in run files written before it existed */
  record RunFile(String runId, String configHash, String featuresPath, long featuresVersion, String startedAt, String trainingHash) {}

  private static void writeRunFile(FileSystem fs, Path runDir, String runId, InfnetConfig config, FeatureSnapshot snapshot)
      throws IOException {
    RunFile run = new RunFile(runId, config.hash(), snapshot.path(), snapshot.version(), Instant.now().toString(), config.trainingHash());
    if (fs.exists(new Path(runDir, RUN_FILE))) throw new IOException("run " + runId + " already exists under " + runDir);
    AtomicPublish.file(fs, new Path(runDir, RUN_FILE), Jsons.write(run).getBytes(StandardCharsets.UTF_8));
  }

  /** The newest run of this model without a FINISHED marker; its config must be this one. */
  private static RunFile unfinishedRun(FileSystem fs, Path runsDir, InfnetConfig config) throws IOException {
    List<Path> runs = new ArrayList<>();
    if (fs.exists(runsDir)) {
      for (FileStatus s : fs.listStatus(runsDir)) if (s.isDirectory()) runs.add(s.getPath());
    }
    runs.sort(Comparator.comparing(Path::getName).reversed());
    Optional<Path> latest = Optional.empty();
    for (Path r : runs) {
      if (fs.exists(new Path(r, RUN_FILE)) && !fs.exists(new Path(r, FINISHED))) {
        latest = Optional.of(r);
        break;
      }
    }
    if (latest.isEmpty()) throw new JobFailure("--resume: no unfinished run of model '" + config.get(Keys.TRAIN_MODEL_NAME) + "' under " + runsDir);
    RunFile run;
    Path file = new Path(latest.get(), RUN_FILE);
    try (InputStream in = fs.open(file)) {
      run = Jsons.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), RunFile.class, file.toString());
    }
    boolean same = run.trainingHash() == null ? config.hash().equals(run.configHash()) : config.trainingHash().equals(run.trainingHash());
    if (!same) {
      throw new JobFailure("--resume: run " + run.runId() + " was started with config hash " + run.configHash()
          + ", this config's is " + config.hash() + ": resume with the same --config/--set (spark.*, train.workers and "
          + "train.threads may differ), or start a new run");
    }
    return run;
  }

  /** An empty split, or a task without positives, stops the run before it starts. */
}
