package io.infnet.jobs;

import io.infnet.features.CandidateFeatures;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.score.CandidateScoringRun;
import io.infnet.jobs.score.ScoringRun;
import java.util.List;

/**
 * Writes per-task predictions of a registered model back to the lake: rows of the feature table, or with
 * {@code --candidates=PATH} the requests of a candidates table, featurized from the history built so far.
 */
final class ScoreJob implements Job {
  private static final String CANDIDATES = "--candidates";

  @Override
  public String name() {
    return "score";
  }

  @Override
  public String summary() {
    return "batch-score score.split with a registered model (score.model) into the predictions Delta table; --candidates=PATH "
        + "(CSV, Parquet or Delta) scores candidate requests instead, from the history built so far, into candidate_predictions";
  }

  @Override
  public List<String> flags() {
    return List.of(CANDIDATES);
  }

  @Override
  public void run(JobContext context) throws Exception {
    String candidates = context.args().flagValue(CANDIDATES);
    if (context.args().hasFlag(CANDIDATES) || candidates != null && candidates.isEmpty()) {
      throw new UsageException(CANDIDATES + " needs a path: " + CANDIDATES + "=PATH");
    }
    if (candidates != null) {
      printCandidates(context, scoreCandidates(context, candidates));
      return;
    }
    ScoringRun.Result r = score(context);
    context.out().printf("score: %,d predictions of %s v%d for %d dates (%s..%s) -> %s (Delta version %d)%n", r.rowsWritten(),
        r.model().entry().name(), r.model().entry().version(), r.dates().size(), r.dates().get(0),
        r.dates().get(r.dates().size() - 1), r.path(), r.tableVersion());
    r.model().provenance().ifPresent(p -> context.out().printf("score: the model was %s%n", p.summary()));
  }

  static ScoringRun.Result score(JobContext context) throws Exception {
    FeatureSnapshot snapshot = FeatureSnapshot.open(context.spark(), context.lake().features(), context.config());
    return ScoringRun.execute(context.spark(), context.config(), context.lake(), snapshot);
  }

  /** A candidates file that cannot be scored is one error line naming it; nothing is written. */
  private static CandidateScoringRun.Result scoreCandidates(JobContext context, String path) throws Exception {
    ImportJob.requireExists(context, CANDIDATES, path);
    try {
      return CandidateScoringRun.execute(context.spark(), context.config(), context.lake(), path);
    } catch (CandidateFeatures.InvalidCandidates e) {
      throw new JobFailure("score: candidates file " + path + ": " + e.getMessage());
    }
  }

  private static void printCandidates(JobContext context, CandidateScoringRun.Result r) {
    CandidateFeatures.Summary s = r.candidates();
    context.out().printf("score: %,d candidate predictions of %s v%d for %d dates (%s..%s) -> %s (Delta version %d)%n",
        r.rowsWritten(), r.model().entry().name(), r.model().entry().version(), s.dates().size(), s.dates().get(0),
        s.dates().get(s.dates().size() - 1), r.path(), r.tableVersion());
    context.out().printf("score: unknown users %,d (%.2f%%), unknown videos %,d (%.2f%%): scored with the OOV id%n",
        s.unknownUsers(), percent(s.unknownUsers(), s.rows()), s.unknownVideos(), percent(s.unknownVideos(), s.rows()));
    context.out().printf("score: history up to %s (sequence state version %d)%s%n", s.stateDay(), s.stateVersion(),
        s.staleHistory() ? "; STALE: the candidates start " + s.dates().get(0) + ", events after " + s.stateDay()
            + " are missing from their sequences (build features for the days between)" : "");
    r.model().provenance().ifPresent(p -> context.out().printf("score: the model was %s%n", p.summary()));
  }

  private static double percent(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }
}
