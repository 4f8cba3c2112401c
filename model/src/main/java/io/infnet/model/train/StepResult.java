package io.infnet.model.train;

/**
 * One training step.
 *
 * @param step     optimizer steps done before this batch (0-based)
 * @param loss     Σ_k λ_k · (summed BCE of task k over labeled rows) / rows: the minimized objective
 * @param taskLoss mean BCE of each task over its labeled rows (NaN when no row of the batch has that label)
 * @param samples  rows of the batch
 */
public record StepResult(long step, double loss, double[] taskLoss, int samples) {}
