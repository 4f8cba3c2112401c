package io.infnet.model.train;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a {@link TrainingLoop} run: the model then holds the weights of {@link #bestEpoch()}.
 *
 * @param history epochs trained by this run (not the ones a restored checkpoint had done)
 * @param state   the loop's final state, with the whole run's metric history
 */
public record TrainingResult(List<EpochRecord> history, LoopState state) {
  public TrainingResult {
    history = List.copyOf(history);
  }

  public int epochsRun() {
    return state.epochsDone();
  }

  public int bestEpoch() {
    return state.bestEpoch();
  }

  public Map<String, Double> bestValidAuc() {
    return state.bestAuc();
  }
}
