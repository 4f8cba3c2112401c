package io.infnet.ml;

import io.infnet.config.ConfigException;
import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.OutOfRangeIds;
import io.infnet.features.FeatureEncoder;
import io.infnet.features.FeatureTables;
import io.infnet.jobs.data.DataFrameSnapshot;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * Trains INFNet or a baseline ({@code model.type}) on rows of a feature table as a Spark ML {@link Estimator}, with the
 * trainer of {@code bin/infnet train} ({@link InfnetTraining}): the rows are split by date with the {@code split.*}
 * keys (train, and valid for early stopping), the feature schema and id mappings come from {@link #featureTable()}'s
 * properties and are recorded in the model's manifest. {@link #config()} holds {@code model.*}, {@code train.*},
 * {@code split.*} and {@code tasks.*} keys in {@code --set} syntax, validated when set.
 */
public final class InfnetEstimator extends Estimator<InfnetModel> implements DefaultParamsWritable, ScoringParams {
  private static final List<String> CONFIG_SECTIONS = List.of("model.", "train.", "split.", "tasks.");

  private final String uid;
  private final Param<String> featureTable;
  private final StringArrayParam tasks;
  private final StringArrayParam config;
  private final Param<String> checkpointDir;
  private final LongParam featureTableVersion;
  private final Param<String> runId;
  private final Param<String> predictionCol;
  private final Param<String> handleInvalid;
  private final IntParam batchSize;
  // programmatic, not params (not saved): the CLI's whole config, console and the row counts it already checked
  private transient InfnetConfig baseConfig;
  private transient PrintStream progress;
  private transient Map<String, Long> checkedRows;

  public InfnetEstimator() {
    this("InfnetEstimator_" + UUID.randomUUID().toString().substring(0, 12));
  }

  public InfnetEstimator(String uid) {
    this.uid = uid;
    featureTable = new Param<>(this, "featureTable",
        "path of the Delta feature table the rows come from (its feature schema and id mappings bind the model)");
    tasks = new StringArrayParam(this, "tasks", "tasks to train, each read from its label_<task> column (tasks.names)",
        (Function1<String[], Object>) t -> t.length > 0);
    config = new StringArrayParam(this, "config", "config overrides key=value of model.*, train.*, split.*, tasks.* keys",
        (Function1<String[], Object>) InfnetEstimator::validConfig);
    checkpointDir = new Param<>(this, "checkpointDir",
        "where the run's checkpoints go (shared by every executor with train.workers > 1); default: a local temporary folder");
    featureTableVersion = new LongParam(this, "featureTableVersion",
        "the Delta version of featureTable the rows were read at; fit refuses the table at another one (default: any)",
        (Function1<Object, Object>) v -> (Long) v >= 0);
    runId = new Param<>(this, "runId", "the training run's id: its checkpoints go to <checkpointDir>/<runId> (default: time + uid)");
    predictionCol = ScoringParams.predictionCol(this);
    handleInvalid = ScoringParams.handleInvalid(this);
    batchSize = ScoringParams.batchSize(this);
    setDefault(config, new String[0]);
    setDefault(predictionCol, io.infnet.jobs.score.BatchScorer.PREDICTION_PREFIX);
    setDefault(batchSize, Keys.SCORE_BATCH_SIZE.defaultValue());
  }

  /** Throws the config loader's one-line error for an unknown key, a bad value or a key outside the estimator's sections. */
  private static boolean validConfig(String[] assignments) {
    for (String a : assignments) {
      if (CONFIG_SECTIONS.stream().noneMatch(a::startsWith)) {
        throw new ConfigException("InfnetEstimator config: '" + a + "' is not a key=value of " + String.join("*, ", CONFIG_SECTIONS) + "*");
      }
    }
    InfnetConfig.defaults().with(assignments);
    return true;
  }

  public static MLReader<InfnetEstimator> read() {
    return new DefaultParamsReader<>();
  }

  public static InfnetEstimator load(String path) {
    return read().load(path);
  }

  /**
   * The config {@link #config()} overrides, recorded whole in the model's manifest (default: the defaults): how {@code
   * bin/infnet train} fits with its own validated config. Not a param: not saved with the estimator.
   */
  public InfnetEstimator withBaseConfig(InfnetConfig base) {
    this.baseConfig = base;
    return this;
  }

  /** Where the trainer's progress lines go (default: standard output). Not a param. */
  public InfnetEstimator withProgress(PrintStream out) {
    this.progress = out;
    return this;
  }

  /**
   * The train/valid row counts {@link InfnetTraining#checkTrainable} already returned for these rows at
   * featureTableVersion (bin/infnet train checks before writing its run file): fit then does not scan the splits
   * again. Not a param.
   */
  public InfnetEstimator withCheckedRows(Map<String, Long> rows) {
    this.checkedRows = rows;
    return this;
  }

  /**
   * The effective training config: the base config ({@link #withBaseConfig}, default the defaults), then {@link
   * #config()}, then {@link #tasks()} and {@link #handleInvalid()}.
   */
  public InfnetConfig trainingConfig() {
    List<String> sets = new ArrayList<>(Arrays.asList(getOrDefault(config)));
    if (isDefined(tasks)) sets.add(Keys.TASKS.name() + "=" + String.join(",", getOrDefault(tasks)));
    if (isDefined(handleInvalid)) {
      sets.add(Keys.MODEL_OUT_OF_RANGE_IDS.name() + "=" + (ScoringParams.OOV.equals(getHandleInvalid()) ? OutOfRangeIds.OOV : OutOfRangeIds.ERROR));
    }
    InfnetConfig base = baseConfig == null ? InfnetConfig.defaults() : baseConfig;
    return sets.isEmpty() ? base : base.with(sets.toArray(String[]::new));
  }

  @Override
  public InfnetModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    InfnetConfig trainingConfig = trainingConfig();
    SparkSession spark = dataset.sparkSession();
    DataFrameSnapshot snapshot = DataFrameSnapshot.of(spark, getFeatureTable(), dataset.toDF(), trainingConfig,
        isDefined(featureTableVersion) ? (Long) getOrDefault(featureTableVersion) : -1);
    FeatureSchema schema = snapshot.schemaFor(trainingConfig.get(Keys.TASKS));
    Map<String, Long> rows = checkedRows != null ? checkedRows : InfnetTraining.checkTrainable(snapshot, schema);
    String run = isDefined(runId) ? getOrDefault(runId) : Instant.now().toString().replaceAll("[-:.]", "").substring(0, 15) + "-" + uid;
    try {
      String dir = isDefined(checkpointDir) ? getOrDefault(checkpointDir) + "/" + run
          : Files.createTempDirectory("infnet-fit-").toUri().toString();
      InfnetModel model = InfnetTraining.train(spark, trainingConfig, snapshot, schema, rows, run, dir,
          progress == null ? System.out : progress);
      return copyValues(model.setParent(this), new ParamMap());
    } catch (IOException e) {
      throw new UncheckedIOException("InfnetEstimator.fit: " + e.getMessage(), e);
    }
  }

  /**
   * The feature table's id columns (array&lt;int&gt;), every task's label (int) and {@code date} (string) must be there
   * with these types; the output adds one float {@code <predictionCol><task>} per task. Reads the table's properties only.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(featureTable)) throw new IllegalArgumentException(uid + ": set featureTable (the Delta feature table the rows come from)");
    List<String> taskNames = trainingConfig().get(Keys.TASKS);
    FeatureSchema table = FeatureTables.readSchema(SparkSession.active(), getFeatureTable());
    if (!table.tasks().containsAll(taskNames)) {
      throw new IllegalArgumentException(uid + ": feature table " + getFeatureTable() + " has labels for tasks " + table.tasks()
          + ", not for all of " + taskNames);
    }
    InputColumns.check(schema, new FeatureSchema(table.fields(), table.sequences(), taskNames, table.gapBuckets()), true, uid);
    FeatureEncoder.encodingOf(schema).ifPresent(rows -> {
      List<String> differences = FeatureTables.pinCurrent(SparkSession.active(), getFeatureTable()).encoding()
          .differences("the feature table's", rows, "the rows'");
      if (!differences.isEmpty()) {
        throw new IllegalArgumentException(uid + ": the rows were encoded by a FeatureEncoder with other id mappings than the "
            + "feature table " + getFeatureTable() + " (whose schema and provenance the model takes): " + String.join("; ", differences));
      }
    });
    InputColumns.require(schema, "date", DataTypes.StringType, uid);
    return InputColumns.withPredictions(schema, taskNames, getPredictionCol(), uid);
  }

  @Override
  public InfnetEstimator copy(ParamMap extra) {
    return (InfnetEstimator) defaultCopy(extra);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featureTable() {
    return featureTable;
  }

  public StringArrayParam tasks() {
    return tasks;
  }

  public StringArrayParam config() {
    return config;
  }

  public Param<String> checkpointDir() {
    return checkpointDir;
  }

  @Override
  public Param<String> predictionCol() {
    return predictionCol;
  }

  @Override
  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  @Override
  public IntParam batchSize() {
    return batchSize;
  }

  public String getFeatureTable() {
    return getOrDefault(featureTable);
  }

  public InfnetEstimator setFeatureTable(String path) {
    return (InfnetEstimator) set(featureTable, path);
  }

  public InfnetEstimator setTasks(String... names) {
    return (InfnetEstimator) set(tasks, names);
  }

  /** Overrides in {@code --set} syntax ({@code "model.type=mmoe"}); an invalid one fails here, naming the key. */
  public InfnetEstimator setConfig(String... assignments) {
    return (InfnetEstimator) set(config, assignments);
  }

  public LongParam featureTableVersion() {
    return featureTableVersion;
  }

  public Param<String> runId() {
    return runId;
  }

  public InfnetEstimator setFeatureTableVersion(long version) {
    return (InfnetEstimator) set(featureTableVersion, version);
  }

  public InfnetEstimator setRunId(String id) {
    return (InfnetEstimator) set(runId, id);
  }

  public InfnetEstimator setCheckpointDir(String path) {
    return (InfnetEstimator) set(checkpointDir, path);
  }

  public InfnetEstimator setPredictionCol(String prefix) {
    return (InfnetEstimator) set(predictionCol, prefix);
  }

  public InfnetEstimator setHandleInvalid(String policy) {
    return (InfnetEstimator) set(handleInvalid, policy);
  }

  public InfnetEstimator setBatchSize(int rows) {
    return (InfnetEstimator) set(batchSize, rows);
  }
}
