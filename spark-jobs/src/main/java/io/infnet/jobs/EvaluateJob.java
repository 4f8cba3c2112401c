package io.infnet.jobs;

import io.infnet.config.Keys;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.eval.EvaluationRun;
import io.infnet.jobs.eval.TaskMetrics;
import java.util.ArrayList;
import java.util.List;

/** Per-task AUC, gAUC and logloss of a registered model on a split; appended to the evaluations table. */
final class EvaluateJob implements Job {
  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public String summary() {
    return "per-task AUC, gAUC and logloss of a registered model (score.model) on evaluate.split";
  }

  @Override
  public void run(JobContext context) throws Exception {
    EvaluationRun.Result r = evaluate(context);
    context.out().printf("evaluate: %s v%d on the %s split%n", r.model().name(), r.model().version(), r.split());
    context.out().print(metricsTable(r.metrics()));
  }

  static EvaluationRun.Result evaluate(JobContext context) throws Exception {
    FeatureSnapshot snapshot = FeatureSnapshot.open(context.spark(), context.lake().features(), context.config());
    return EvaluationRun.execute(context.spark(), context.config(), context.lake(), snapshot,
        context.config().get(Keys.EVALUATE_SPLIT));
  }

  static String metricsTable(List<TaskMetrics> metrics) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(List.of("task", "rows", "positives", "AUC", "gAUC", "gAUC users", "logloss"));
    for (TaskMetrics m : metrics) {
      cells.add(List.of(m.task(), Tables.format(m.rows()), Tables.format(m.positives()), Tables.format(m.auc()),
          Tables.format(m.gauc()), Tables.format(m.gaucUsers()), Tables.format(m.logloss())));
    }
    return Tables.render(cells);
  }
}
