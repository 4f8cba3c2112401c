package io.infnet.model.train;

import java.io.IOException;

/**
 * How one step's gradients become the update's: {@link #LOCAL} in one JVM, a sum over every worker when training
 * data-parallel (the distributed trainer's all-reduce). Gradients are of the summed loss, so a sum over workers
 * followed by the trainer's division by the row count is the mean over every row of the global batch, exactly.
 */
public interface GradientReduction {
  /**
   * @param local        this worker's gradients (zeros of 0 samples when it had no rows in this step)
   * @param localLossSum this worker's weighted loss summed over its rows
   */
  Reduced reduce(Gradients local, double localLossSum) throws IOException;

  /** The gradients every worker applies and the global batch's mean loss (NaN for 0 samples). */
  record Reduced(Gradients gradients, double meanLoss) {}

  GradientReduction LOCAL = (local, lossSum) -> new Reduced(local, local.samples() == 0 ? Double.NaN : lossSum / local.samples());
}
