package io.infnet.model.train;

import java.util.List;
import java.util.Map;

/** The outcome of {@link TrainingLoop#fit}: the model then holds the weights of {@code bestEpoch}. */
public record TrainingResult(int epochsRun, int bestEpoch, Map<String, Double> bestValidAuc, List<EpochRecord> history) {
  public TrainingResult {
    bestValidAuc = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bestValidAuc));
    history = List.copyOf(history);
  }
}
