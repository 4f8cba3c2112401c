package io.infnet.jobs.eval;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.infnet.jobs.score.BatchScorer;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Per-task AUC (Spark MLlib, exact: no binning), gAUC and logloss over scored rows that carry
 * {@code user_id}, {@code label_<task>} and {@code p_<task>}; and the same metrics of the generator's true
 * probabilities, {@code oracle_<task>}, where the rows have them: the ceiling a model is compared with.
 */
public final class SplitEvaluator {
  private static final double EPS = 1e-7;

  private SplitEvaluator() {}

  /** The model's metrics per task, from {@code p_<task>}. */
  public static List<TaskMetrics> evaluate(Dataset<Row> scored, List<String> tasks) {
    List<TaskMetrics> out = new ArrayList<>();
    for (String task : tasks) {
      String prediction = BatchScorer.predictionColumn(task);
      out.add(evaluateTask(scored, task, prediction)
          .orElseThrow(() -> new IllegalStateException("scored rows without " + prediction)));
    }
    return out;
  }

  /**
   * The oracle's metrics on the same rows, for the tasks whose {@code oracle_<task>} column {@code scored} has and
   * sets on every labelled row (real data has none; metrics on a subset would not compare with the model's).
   */
  public static List<TaskMetrics> evaluateOracle(Dataset<Row> scored, List<String> tasks) {
    List<String> columns = List.of(scored.columns());
    List<TaskMetrics> out = new ArrayList<>();
    for (String task : tasks) {
      String oracle = FeatureSchema.oracleColumn(task);
      if (columns.contains(oracle)) evaluateTask(scored, task, oracle).ifPresent(out::add);
    }
    return out;
  }

  /** The metrics of {@code scoreColumn} on the task's labelled rows; empty if some of them have no score. */
  static Optional<TaskMetrics> evaluateTask(Dataset<Row> scored, String task, String scoreColumn) {
    Dataset<Row> labelled = scored
        .where(col(FeatureSchema.labelColumn(task)).isNotNull())
        .select(col("user_id"),
            col(FeatureSchema.labelColumn(task)).cast(DataTypes.DoubleType).as("y"),
            col(scoreColumn).cast(DataTypes.DoubleType).as("p"));
    Row counts = labelled.agg(count(lit(1)), sum(col("y")),
        avg(logLoss(col("y"), col("p"))), count(col("p"))).first();
    long rows = counts.getLong(0);
    if (counts.getLong(3) < rows) return Optional.empty();
    long positives = rows == 0 ? 0 : (long) counts.getDouble(1);
    double logloss = rows == 0 ? Double.NaN : counts.getDouble(2);
    double auc = positives == 0 || positives == rows ? Double.NaN : new BinaryClassificationEvaluator()
        .setLabelCol("y").setRawPredictionCol("p").setMetricName("areaUnderROC").setNumBins(0)
        .evaluate(labelled);
    Row g = groupAuc(labelled).first();
    long users = g.getLong(1);
    return Optional.of(new TaskMetrics(task, rows, positives, auc, users == 0 ? Double.NaN : g.getDouble(0), users, logloss));
  }

  private static Column logLoss(Column y, Column p) {
    Column q = least(greatest(p, lit(EPS)), lit(1 - EPS));
    return when(y.equalTo(1.0), log(q).multiply(-1)).otherwise(log(lit(1.0).minus(q)).multiply(-1));
  }

  /** Mann-Whitney AUC per user (ties get their average rank), averaged over users with both classes. */
  private static Dataset<Row> groupAuc(Dataset<Row> labelled) {
    Dataset<Row> ranked = labelled
        .withColumn("r", rank().over(Window.partitionBy("user_id").orderBy("p")))
        .withColumn("ties", count(lit(1)).over(Window.partitionBy("user_id", "p")))
        .withColumn("avg_rank", col("r").plus(col("ties").minus(1).divide(2.0)));
    Dataset<Row> perUser = ranked.groupBy("user_id").agg(
            sum(col("y")).as("pos"), count(lit(1)).as("n"), sum(col("y").multiply(col("avg_rank"))).as("rank_sum"))
        .where(col("pos").gt(0).and(col("pos").lt(col("n"))))
        .withColumn("auc", col("rank_sum").minus(col("pos").multiply(col("pos").plus(1)).divide(2.0))
            .divide(col("pos").multiply(col("n").minus(col("pos")))));
    return perUser.agg(avg(col("auc")), count(lit(1)));
  }
}
