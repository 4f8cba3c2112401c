package io.infnet.jobs;

import io.infnet.config.Keys;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.eval.EvaluationRun;
import io.infnet.jobs.eval.TaskMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-task AUC, gAUC and logloss of a registered model on a split, beside the oracle's where the split carries the
 * generator's true probabilities; appended to the evaluations table.
 */
final class EvaluateJob implements Job {
  /** Names the oracle's line of a task in the metrics table. */
  static final String ORACLE_SUFFIX = " (oracle)";

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public String summary() {
    return "per-task AUC, gAUC and logloss of a registered model (score.model) on evaluate.split, beside the oracle's on generated data";
  }

  @Override
  public void run(JobContext context) throws Exception {
    EvaluationRun.Result r = evaluate(context);
    context.out().printf("evaluate: %s v%d on the %s split%n", r.model().name(), r.model().version(), r.split());
    context.out().print(metricsTable(r));
  }

  static EvaluationRun.Result evaluate(JobContext context) throws Exception {
    FeatureSnapshot snapshot = FeatureSnapshot.open(context.spark(), context.lake().features(), context.config());
    return EvaluationRun.execute(context.spark(), context.config(), context.lake(), snapshot,
        context.config().get(Keys.EVALUATE_SPLIT));
  }

  /** One line per task, each followed by its oracle's line on the same rows when the split has the true probabilities. */
  static String metricsTable(EvaluationRun.Result result) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(List.of("task", "rows", "positives", "AUC", "gAUC", "gAUC users", "logloss"));
    for (TaskMetrics m : result.metrics()) {
      cells.add(line(m.task(), m));
      result.oracleOf(m.task()).ifPresent(o -> cells.add(line(m.task() + ORACLE_SUFFIX, o)));
    }
    String table = Tables.render(cells);
    return result.oracle().isEmpty() ? table
        : table + "(oracle) = the data generator's true probabilities on the same rows: the ceiling (docs/DATAGEN.md)\n";
  }

  private static List<String> line(String name, TaskMetrics m) {
    return List.of(name, Tables.format(m.rows()), Tables.format(m.positives()), Tables.format(m.auc()),
        Tables.format(m.gauc()), Tables.format(m.gaucUsers()), Tables.format(m.logloss()));
  }
}
