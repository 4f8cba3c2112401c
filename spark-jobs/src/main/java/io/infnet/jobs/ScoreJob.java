package io.infnet.jobs;

import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.score.ScoringRun;

/** Writes per-task predictions of a registered model back to the lake. */
final class ScoreJob implements Job {
  @Override
  public String name() {
    return "score";
  }

  @Override
  public String summary() {
    return "batch-score score.split with a registered model (score.model) into the predictions Delta table";
  }

  @Override
  public void run(JobContext context) throws Exception {
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
}
