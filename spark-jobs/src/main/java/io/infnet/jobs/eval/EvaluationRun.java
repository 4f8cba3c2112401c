package io.infnet.jobs.eval;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.jobs.score.BatchScorer;
import io.infnet.jobs.score.ScoringModel;
import io.infnet.lake.LakePaths;
import io.infnet.schema.FeatureSchema;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
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
      .add("evaluated_at", DataTypes.TimestampType, false);

  public record Result(ModelRegistry.Entry model, String split, List<TaskMetrics> metrics) {}

  private EvaluationRun() {}

  public static Result execute(SparkSession spark, InfnetConfig config, LakePaths lake, FeatureSnapshot snapshot, String split)
      throws Exception {
    ScoringModel model = ScoringModel.open(spark, config, lake.models(), snapshot);
    List<String> keep = new ArrayList<>(List.of("user_id"));
    for (String t : model.schema().tasks()) keep.add(FeatureSchema.labelColumn(t));
    Dataset<Row> scored = BatchScorer.score(spark, snapshot.split(split), model.artifact(), model.schema(),
        config.get(Keys.SCORE_BATCH_SIZE), config.get(Keys.MODEL_OUT_OF_RANGE_IDS).equals("oov"), keep).cache();
    try {
      List<TaskMetrics> metrics = SplitEvaluator.evaluate(scored, model.schema().tasks());
      append(spark, lake.evaluations(), model.entry(), snapshot, split, metrics);
      return new Result(model.entry(), split, metrics);
    } finally {
      scored.unpersist();
    }
  }

  private static void append(SparkSession spark, String path, ModelRegistry.Entry entry, FeatureSnapshot snapshot,
      String split, List<TaskMetrics> metrics) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> rows = new ArrayList<>();
    for (TaskMetrics m : metrics) {
      rows.add(RowFactory.create(entry.name(), entry.version(), snapshot.path(), snapshot.version(), split, m.task(), m.rows(),
          m.positives(), finite(m.auc()), finite(m.gauc()), m.gaucUsers(), finite(m.logloss()), now));
    }
    spark.createDataFrame(rows, SCHEMA).write().format("delta").mode(SaveMode.Append).save(path);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
