package io.infnet.jobs.eval;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.Split;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.registry.ModelStore;
import io.infnet.jobs.score.ScoringModel;
import io.infnet.lake.LakePaths;
import io.infnet.schema.FeatureSchema;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Scores a split with a registered model and measures it; results are appended to the {@code evaluations} table. */
public final class EvaluationRun {
  static final StructType SCHEMA = new StructType()
      .add("model_name", DataTypes.StringType, false)
      .add("model_version", DataTypes.IntegerType, false)
      .add("features_path", DataTypes.StringType, false)
      .add("features_version", DataTypes.LongType, false)
      .add("split", DataTypes.StringType, false)
      .add("task", DataTypes.StringType, false)
      .add("rows", DataTypes.LongType, false)
      .add("positives", DataTypes.LongType, false)
      .add("auc", DataTypes.DoubleType, true)
      .add("gauc", DataTypes.DoubleType, true)
      .add("gauc_users", DataTypes.LongType, false)
      .add("logloss", DataTypes.DoubleType, true)
      .add("evaluated_at", DataTypes.TimestampType, false)
      // the oracle's metrics on the same rows (generated data only, else null); added after the first
      // release of the table, hence last: appends merge them into an older table's schema
      .add("oracle_auc", DataTypes.DoubleType, true)
      .add("oracle_gauc", DataTypes.DoubleType, true)
      .add("oracle_logloss", DataTypes.DoubleType, true);

  /** The model's metrics per task and, for the tasks whose rows carry the generator's true probabilities, the oracle's. */
  public record Result(ModelStore.Entry model, String split, List<TaskMetrics> metrics, List<TaskMetrics> oracle) {
    /** The oracle's metrics of {@code task}, if it has some. */
    public Optional<TaskMetrics> oracleOf(String task) {
      return oracle.stream().filter(m -> m.task().equals(task)).findFirst();
    }
  }

  private EvaluationRun() {}

  public static Result execute(SparkSession spark, InfnetConfig config, LakePaths lake, FeatureSnapshot snapshot, Split split)
      throws Exception {
    ScoringModel model = ScoringModel.open(spark, config, lake.models(), snapshot);
    List<String> tasks = model.schema().tasks();
    Dataset<Row> scored = score(spark, config, model, snapshot.split(split), oracleColumns(snapshot, tasks)).cache();
    try {
      Result result = new Result(model.entry(), split.configName(), SplitEvaluator.evaluate(scored, tasks),
          SplitEvaluator.evaluateOracle(scored, tasks));
      append(spark, lake.evaluations(), snapshot, result);
      return result;
    } finally {
      scored.unpersist();
    }
  }

  /**
   * The model's per-task metrics on {@code rows}, recorded nowhere: what the promotion gate compares two models
   * with, each measured exactly as {@code evaluate} measures one.
   */
  public static List<TaskMetrics> measure(SparkSession spark, InfnetConfig config, ScoringModel model, Dataset<Row> rows) {
    Dataset<Row> scored = score(spark, config, model, rows, List.of()).cache();
    try {
      return SplitEvaluator.evaluate(scored, model.schema().tasks());
    } finally {
      scored.unpersist();
    }
  }

  /** {@code p_<task>} per row, beside what the evaluator reads: user, labels and {@code extra} columns. */
  private static Dataset<Row> score(SparkSession spark, InfnetConfig config, ScoringModel model, Dataset<Row> rows,
      List<String> extra) {
    List<String> keep = new ArrayList<>(List.of("user_id"));
    for (String t : model.schema().tasks()) keep.add(FeatureSchema.labelColumn(t));
    keep.addAll(extra);
    return model.sparkModel(config).predict(rows, keep);
  }

  /** The table's oracle columns of {@code tasks}: carried beside the labels, read by no model. */
  private static List<String> oracleColumns(FeatureSnapshot snapshot, List<String> tasks) {
    List<String> columns = List.of(snapshot.table().columns());
    return tasks.stream().map(FeatureSchema::oracleColumn).filter(columns::contains).toList();
  }

  private static void append(SparkSession spark, String path, FeatureSnapshot snapshot, Result result) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    ModelStore.Entry entry = result.model();
    List<Row> rows = new ArrayList<>();
    for (TaskMetrics m : result.metrics()) {
      Optional<TaskMetrics> oracle = result.oracleOf(m.task());
      rows.add(RowFactory.create(entry.name(), entry.version(), snapshot.path(), snapshot.version(), result.split(), m.task(),
          m.rows(), m.positives(), finite(m.auc()), finite(m.gauc()), m.gaucUsers(), finite(m.logloss()), now,
          oracle.map(o -> finite(o.auc())).orElse(null), oracle.map(o -> finite(o.gauc())).orElse(null),
          oracle.map(o -> finite(o.logloss())).orElse(null)));
    }
    spark.createDataFrame(rows, SCHEMA).write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true").save(path);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
