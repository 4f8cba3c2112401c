package io.infnet.model.train;

import io.infnet.model.data.Batch;
import java.util.Iterator;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** The batches {@link TrainingLoop} trains on: this worker's part of every step of an epoch. */
public interface TrainingData {
  /**
   * Steps per epoch when known before training (the learning-rate horizon is then set up front and a run can resume
   * mid-epoch), or empty: the loop learns it from the first epoch.
   */
  OptionalLong stepsPerEpoch();

  /**
   * This worker's batch of every step of {@code epoch} (1-based) from step {@code firstStep} of that epoch on. An empty
   * batch means no rows of this worker in that step: it still takes part in the gradient reduction.
   */
  Iterator<Batch> epoch(int epoch, long firstStep);

  /** Single-JVM data: a fresh pass per epoch, length not known ahead. */
  static TrainingData of(Supplier<Iterator<Batch>> epochs) {
    return new TrainingData() {
      @Override
      public OptionalLong stepsPerEpoch() {
        return OptionalLong.empty();
      }

      @Override
      public Iterator<Batch> epoch(int epoch, long firstStep) {
        Iterator<Batch> it = epochs.get();
        for (long s = 0; s < firstStep && it.hasNext(); s++) it.next();
        return it;
      }
    };
  }
}
