package io.infnet.model.train;

/**
 * One finished optimizer step, as {@link TrainingListener#onStep} sees it.
 *
 * @param step          optimizer steps done, this one included
 * @param samples       rows of the global batch (every worker's)
 * @param meanLoss      the global batch's mean weighted loss
 * @param computeNanos  this worker's forward, backward and update time
 * @param reduceNanos   time in the gradient reduction (for a worker: the exchange, including waiting for peers)
 */
public record StepEvent(int epoch, long step, long samples, double meanLoss, long computeNanos, long reduceNanos) {}
