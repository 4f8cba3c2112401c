package io.infnet.model.train;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a {@link TrainingLoop} run: the model then holds the weights of {@code bestEpoch}.
 *
 * @param history epochs trained by this run (not the ones a restored checkpoint had done)
 * @param state   the loop's final state, with the whole run's metric history
 */
public record TrainingResult(int epochsRun, int bestEpoch, Map<String, Double> bestValidAuc, List<EpochRecord> history, LoopState state) {
  public TrainingResult {
    bestValidAuc = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bestValidAuc));
    history = List.copyOf(history);
  }
}
