package io.infnet.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.features.spark.Delta;
import io.infnet.jobs.JobFailure;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.json.Jsons;
import io.infnet.lake.LakePaths;
import java.sql.Timestamp;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Batch scoring: per-task predictions for the rows of {@code score.split}, written to the predictions Delta table.
 * The write replaces exactly the date partitions scored (a rerun gives the same table) in one atomic commit,
 * and the commit records model, config and feature versions.
 */
public final class ScoringRun {
  public record Result(String path, long rowsWritten, List<String> dates, ScoringModel model, long tableVersion) {}

  /** The predictions commit's {@code userMetadata} (docs/MODEL_FORMAT.md): which model scored which feature version. */
  record CommitInfo(String model, String featuresPath, long featuresVersion, String configHash) {}

  private ScoringRun() {}

  public static Result execute(SparkSession spark, InfnetConfig config, LakePaths lake, FeatureSnapshot snapshot) throws Exception {
    ScoringModel model = ScoringModel.open(spark, config, lake.models(), snapshot);
    String split = config.get(Keys.SCORE_SPLIT).configName();
    Dataset<Row> rows = snapshot.split(config.get(Keys.SCORE_SPLIT));
    String from = config.get(Keys.SCORE_FROM_DATE);
    String to = config.get(Keys.SCORE_TO_DATE);
    if (!from.isEmpty()) rows = rows.where(col("date").geq(from));
    if (!to.isEmpty()) rows = rows.where(col("date").leq(to));
    List<String> dates = rows.select("date").distinct().orderBy("date").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    if (dates.isEmpty()) throw new JobFailure("nothing to score: the " + split + " split of " + snapshot.path() + " has no rows"
        + (from.isEmpty() && to.isEmpty() ? "" : " between score.from_date='" + from + "' and score.to_date='" + to + "'"));

    Dataset<Row> predictions = predict(config, rows, model);
    String commitInfo = Jsons.write(new CommitInfo(model.entry().name() + "/" + model.entry().version(), snapshot.path(),
        snapshot.version(), config.hash()));
    Written written = replaceDates(spark, predictions, lake.predictions(), dates, commitInfo);
    return new Result(lake.predictions(), written.rows(), dates, model, written.tableVersion());
  }

  /** The keys of each row, one {@code p_<task>} per task, and which model made them when: the predictions' columns. */
  static Dataset<Row> predict(InfnetConfig config, Dataset<Row> rows, ScoringModel model) {
    return model.sparkModel(config).predict(rows, List.of("user_id", "video_id", "time_ms", "date"))
        .withColumn("model_name", lit(model.entry().name()))
        .withColumn("model_version", lit(model.entry().version()))
        .withColumn("scored_at", lit(new Timestamp(System.currentTimeMillis())));
  }

  /** One predictions commit: the table version it made and the rows it wrote. */
  record Written(long tableVersion, long rows) {}

  /**
   * Replaces exactly the {@code dates} partitions of the table at {@code path} (created partitioned by date if new) in
   * one commit carrying {@code commitInfo}: a rerun gives the same table, and other dates stay as they were.
   */
  static Written replaceDates(SparkSession spark, Dataset<Row> predictions, String path, List<String> dates, String commitInfo) {
    String where = "date IN (" + dates.stream().map(d -> "'" + d + "'").collect(Collectors.joining(",")) + ")";
    try {
      predictions.write().format("delta").mode(SaveMode.Overwrite)
          .option("replaceWhere", where)
          .option("userMetadata", commitInfo)
          .partitionBy("date")
          .save(path);
    } catch (ConcurrentModificationException e) { // Delta's optimistic concurrency: the other writer's commit stands
      throw new JobFailure("another job committed predictions for " + String.join(", ", dates) + " to " + path
          + " while this one was writing; nothing of this run was written (the table holds the other run's rows): rerun to replace them ("
          + e.getClass().getSimpleName() + ")");
    }
    Delta.Commit last = Delta.lastCommit(spark, path);
    return new Written(last.version(), last.rowsWritten().orElse(-1));
  }
}
