package io.infnet.jobs;

import io.infnet.features.FeatureBuildResult;
import io.infnet.features.datagen.DatagenResult;
import io.infnet.jobs.eval.EvaluationRun;
import io.infnet.jobs.score.ScoringRun;
import io.infnet.jobs.train.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** datagen → features → train → evaluate → score on one session, then a summary a user can act on. */
final class QuickstartJob implements Job {
  @Override
  public String name() {
    return "quickstart";
  }

  @Override
  public String summary() {
    return "run datagen, features, train, evaluate and score in order, then print a summary";
  }

  @Override
  public void run(JobContext context) throws Exception {
    long started = System.nanoTime();
    context.out().println("quickstart: 1/5 datagen");
    DatagenResult raw = DatagenJob.generate(context);
    context.out().println("quickstart: 2/5 features");
    FeatureBuildResult features = FeaturesJob.build(context);
    context.out().println("quickstart: 3/5 train");
    TrainingRun.Outcome trained = TrainingRun.execute(context, false);
    context.out().println("quickstart: 4/5 evaluate");
    EvaluationRun.Result evaluated = EvaluateJob.evaluate(context);
    context.out().println("quickstart: 5/5 score");
    ScoringRun.Result scored = ScoreJob.score(context);

    context.out().println();
    context.out().println("== quickstart summary ==");
    context.out().print(tablesSummary(raw, features, trained, scored));
    context.out().println();
    context.out().printf("%s v%d on the %s split:%n", evaluated.model().name(), evaluated.model().version(), evaluated.split());
    context.out().print(EvaluateJob.metricsTable(evaluated));
    context.out().println();
    context.out().printf("predictions written: %,d%n", scored.rowsWritten());
    context.out().printf("model: %s%n", trained.model().path());
    context.out().printf("run report (loss and per-task AUC curves): %s%n", trained.reportPath());
    context.out().printf("training history: %s, evaluations: %s%n", context.lake().trainingRuns(), context.lake().evaluations());
    context.out().printf("quickstart finished in %s%n", Tables.duration((System.nanoTime() - started) / 1e9));
  }

  private static String tablesSummary(DatagenResult raw, FeatureBuildResult features, TrainingRun.Outcome trained,
      ScoringRun.Result scored) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(List.of("table", "rows", "path"));
    cells.add(List.of("raw log", Tables.format(raw.logRows()), raw.logPath()));
    cells.add(List.of("users", Tables.format(raw.userRows()), raw.usersPath()));
    cells.add(List.of("videos", Tables.format(raw.videoRows()), raw.videosPath()));
    cells.add(List.of("oracle (true probabilities)", Tables.format(raw.logRows()), raw.oraclePath()));
    for (Map.Entry<String, Long> e : features.rowsPerSplit().entrySet()) {
      cells.add(List.of("features (" + e.getKey() + ")", Tables.format(e.getValue()),
          features.tablePath() + " @v" + trained.featureVersion()));
    }
    cells.add(List.of("predictions", Tables.format(scored.rowsWritten()), scored.path() + " @v" + scored.tableVersion()));
    return Tables.render(cells);
  }
}
