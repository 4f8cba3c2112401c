package io.infnet.jobs.score;

import io.infnet.config.InfnetConfig;
import io.infnet.features.CandidateFeatures;
import io.infnet.json.Jsons;
import io.infnet.lake.LakePaths;
import io.infnet.schema.IdEncoding;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Scores a candidates table ({@code score --candidates=PATH}): the nightly path, where tomorrow's requests are ranked
 * from the history built so far. Features come from {@link CandidateFeatures} (the feature build's steps, the stored
 * vocabularies, the sequence state after the last built day); the model must have been trained on the same id mappings.
 * Predictions go to {@link LakePaths#candidatePredictions()}, replacing exactly the candidates' dates, like
 * {@link ScoringRun}'s.
 */
public final class CandidateScoringRun {
  /** What was written, from which candidates, by which model. */
  public record Result(String path, long rowsWritten, CandidateFeatures.Summary candidates, ScoringModel model, long tableVersion) {}

  /** The commit's {@code userMetadata}: which model scored which candidates from which history. */
  record CommitInfo(String model, String candidates, String featuresPath, String stateDay, long stateVersion,
      IdEncoding encoding, String configHash) {}

  private CandidateScoringRun() {}

  /** @throws CandidateFeatures.InvalidCandidates when the file cannot be scored (nothing is written) */
  public static Result execute(SparkSession spark, InfnetConfig config, LakePaths lake, String candidatesPath) throws Exception {
    CandidateFeatures.Built built = CandidateFeatures.build(spark, config, CandidateFeatures.read(spark, candidatesPath));
    try {
      CandidateFeatures.Summary s = built.summary();
      ScoringModel model = ScoringModel.open(spark, config, lake.models(), built.schema(), s.encoding(),
          "the candidates of " + candidatesPath + " (encoded with the vocabularies of " + lake.features() + ")");
      Dataset<Row> predictions = ScoringRun.predict(config, built.rows(), model);
      String commitInfo = Jsons.write(new CommitInfo(model.entry().name() + "/" + model.entry().version(), candidatesPath,
          lake.features(), s.stateDay(), s.stateVersion(), s.encoding(), config.hash()));
      ScoringRun.Written written = ScoringRun.replaceDates(spark, predictions, lake.candidatePredictions(), s.dates(), commitInfo);
      return new Result(lake.candidatePredictions(), written.rows(), s, model, written.tableVersion());
    } finally {
      built.release();
    }
  }
}
