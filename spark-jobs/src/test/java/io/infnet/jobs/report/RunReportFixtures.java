package io.infnet.jobs.report;

import io.infnet.jobs.dist.DistributedTrainer;
import io.infnet.model.train.LoopState;
import io.infnet.model.train.MetricRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs to report on: a realistic three-task history as TrainingWorker records it, or any given history. */
final class RunReportFixtures {
  static final List<String> TASKS = List.of("click", "like", "long_view");
  static final int EPOCHS = 3;
  static final int STEPS_PER_EPOCH = 48;
  static final int LOG_EVERY = 4;

  private RunReportFixtures() {}

  /** Loss every LOG_EVERY steps, AUC and logloss per task per epoch; like's first AUC is NaN (no positives). */
  static List<MetricRecord> realisticHistory() {
    List<MetricRecord> history = new ArrayList<>();
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
      for (int s = LOG_EVERY; s <= STEPS_PER_EPOCH; s += LOG_EVERY) {
        long step = (long) (epoch - 1) * STEPS_PER_EPOCH + s;
        history.add(new MetricRecord(epoch, step, "train", "all", "loss", 0.3 + 0.4 * Math.exp(-step / 40.0) + 0.01 * Math.sin(step)));
      }
      long step = (long) epoch * STEPS_PER_EPOCH;
      for (int t = 0; t < TASKS.size(); t++) {
        double auc = TASKS.get(t).equals("like") && epoch == 1 ? Double.NaN : 0.6 + 0.05 * t + 0.03 * epoch;
        history.add(new MetricRecord(epoch, step, "valid", TASKS.get(t), "auc", auc));
      }
      for (int t = 0; t < TASKS.size(); t++) {
        history.add(new MetricRecord(epoch, step, "valid", TASKS.get(t), "logloss", 0.5 - 0.1 * t - 0.02 * epoch));
      }
    }
    return history;
  }

  static RunReport.Run run(List<MetricRecord> history) {
    return run("20250101T120000-abcdef12", "infnet", "/lake/features/impressions", Map.of("click", 0.69, "like", 0.71), history);
  }

  static RunReport.Run run(String runId, String modelName, String featurePath, Map<String, Double> bestAuc,
      List<MetricRecord> history) {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("train", 12_288L);
    rows.put("valid", 1_536L);
    LoopState loop = new LoopState(EPOCHS, 0.7, 3, bestAuc, history, 0, 0);
    DistributedTrainer.Result result = new DistributedTrainer.Result(loop, (long) EPOCHS * STEPS_PER_EPOCH,
        () -> new byte[0], (long) EPOCHS * STEPS_PER_EPOCH - 2, 42.5, 3.2, 0, List.of());
    return new RunReport.Run(runId, modelName, 7, "cafe1234", featurePath, 5, rows, 2, result);
  }
}
