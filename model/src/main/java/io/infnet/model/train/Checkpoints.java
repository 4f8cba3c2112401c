package io.infnet.model.train;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@link TrainingLoop} saves and finds a run's state. The loop decides when (every train.checkpoint_every steps
 * within an epoch and after every epoch's validation); the store decides where and how (the distributed trainer's
 * lake store publishes atomically, from worker 0 only).
 */
public interface Checkpoints {
  /** Saves the trainer (weights, optimizer, step), the loop's state and the best epoch's weights (null before any). */
  void save(Trainer trainer, LoopState state, Map<String, float[]> bestWeights) throws IOException;

  /** Restores the newest saved state into the trainer and returns the loop's part, or empty to start fresh. */
  Optional<Saved> restoreLatest(Trainer trainer) throws IOException;

  record Saved(LoopState state, Map<String, float[]> bestWeights) {}

  Checkpoints NONE = new Checkpoints() {
    @Override
    public void save(Trainer trainer, LoopState state, Map<String, float[]> bestWeights) {}

    @Override
    public Optional<Saved> restoreLatest(Trainer trainer) {
      return Optional.empty();
    }
  };
}
