package io.infnet.model.train;

import java.util.Map;

/** Progress callbacks of {@link TrainingLoop} (logging, metrics export). */
public interface TrainingListener {
  default void onStep(int epoch, StepResult r, double samplesPerSecond) {}

  default void onEpoch(int epoch, Map<String, Double> validAuc, Map<String, Double> validLogloss) {}
}
