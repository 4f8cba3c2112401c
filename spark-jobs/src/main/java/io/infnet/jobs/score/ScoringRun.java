package io.infnet.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.jobs.JobFailure;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.json.Jsons;
import io.infnet.lake.LakePaths;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
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

    Dataset<Row> predictions = BatchScorer.score(spark, rows, model.artifact(), model.schema(), config.get(Keys.SCORE_BATCH_SIZE),
            model.mapsOutOfRangeToOov(), List.of("user_id", "video_id", "time_ms", "date"))
        .withColumn("model_name", lit(model.entry().name()))
        .withColumn("model_version", lit(model.entry().version()))
        .withColumn("scored_at", lit(new Timestamp(System.currentTimeMillis())));
    String where = "date IN (" + dates.stream().map(d -> "'" + d + "'").collect(Collectors.joining(",")) + ")";
    String commitInfo = Jsons.write(new CommitInfo(model.entry().name() + "/" + model.entry().version(), snapshot.path(),
        snapshot.version(), config.hash()));
    predictions.write().format("delta").mode(SaveMode.Overwrite)
        .option("replaceWhere", where)
        .option("userMetadata", commitInfo)
        .partitionBy("date")
        .save(lake.predictions());
    Row last = spark.sql("DESCRIBE HISTORY delta.`" + lake.predictions() + "` LIMIT 1").select(col("version"), col("operationMetrics")).first();
    Map<String, String> metrics = last.getJavaMap(1);
    long written = Long.parseLong(metrics.getOrDefault("numOutputRows", "-1"));
    return new Result(lake.predictions(), written, dates, model, last.getLong(0));
  }
}
