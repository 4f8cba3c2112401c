package io.infnet.model.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link TrainingLoop} needs besides the trainer's own state to continue a run exactly: epochs finished, the
 * early-stopping state (without the best weights, which travel as their own file) and the metric history.
 * Checkpoints store it as JSON ({@code io.infnet.json.Jsons}); every worker of a data-parallel run holds the same.
 *
 * @param bestScore     the best epoch's mean validation AUC, NaN before any epoch finished
 * @param openLossSum   the training loss summed over the steps since the last logged loss point (a run resumed
 *                      mid-epoch logs the same points as an uninterrupted one)
 * @param openLossSteps those steps
 */
public record LoopState(int epochsDone, double bestScore, int bestEpoch, Map<String, Double> bestAuc, List<MetricRecord> history,
                        double openLossSum, long openLossSteps) {
  public LoopState {
    bestAuc = Collections.unmodifiableMap(new LinkedHashMap<>(bestAuc == null ? Map.of() : bestAuc));
    history = List.copyOf(history == null ? List.of() : history);
  }

  public static LoopState initial() {
    return new LoopState(0, Double.NaN, 0, Map.of(), List.of(), 0, 0);
  }
}
