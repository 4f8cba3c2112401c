package io.infnet.model.train;

import java.util.Map;

/** Progress callbacks of {@link TrainingLoop} (logging, progress files, step timing, metrics export). */
public interface TrainingListener {
  default void onStep(StepEvent step) {}

  default void onEpoch(int epoch, Map<String, Double> validAuc, Map<String, Double> validLogloss) {}
}
