package io.infnet.model.train;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.EmbeddingUpdate;
import io.infnet.config.choices.LrSchedule;
import io.infnet.config.choices.OptimizerKind;
import io.infnet.config.choices.Precision;

/**
 * How to train (the train.* keys that the trainer and the loop read).
 *
 * @param totalSteps horizon of the cosine decay: train.max_steps when set, else 0 = not known yet (the training loop
 *                   sets it to epochs × steps of the first epoch once that epoch is done; until then the rate stays at
 *                   its peak after warmup)
 * @param threads    intra-op threads of the engine, 0 = leave the engine's default (cores of the JVM)
 * @param embeddingUpdate dense: embedding tables take the dense path; rows: only the rows a batch touches (lazy)
 * @param precision  train.precision: the arithmetic of the training forward/backward pass
 */
public record TrainingOptions(
    OptimizerKind optimizer,
    double learningRate,
    int warmupSteps,
    LrSchedule lrSchedule,
    double weightDecay,
    double gradClipNorm,
    int patience,
    int epochs,
    long maxSteps,
    long totalSteps,
    long seed,
    int threads,
    EmbeddingUpdate embeddingUpdate,
    Precision precision) {

  public static TrainingOptions from(InfnetConfig config) {
    long maxSteps = config.get(Keys.TRAIN_MAX_STEPS);
    return new TrainingOptions(config.get(Keys.TRAIN_OPTIMIZER), config.get(Keys.TRAIN_LEARNING_RATE),
        config.get(Keys.TRAIN_WARMUP_STEPS), config.get(Keys.TRAIN_LR_SCHEDULE), config.get(Keys.TRAIN_WEIGHT_DECAY),
        config.get(Keys.TRAIN_GRAD_CLIP), config.get(Keys.TRAIN_PATIENCE), config.get(Keys.TRAIN_EPOCHS), maxSteps,
        maxSteps, config.get(Keys.TRAIN_SEED), config.get(Keys.TRAIN_THREADS),
        config.get(Keys.TRAIN_EMBEDDING_UPDATE), config.get(Keys.TRAIN_PRECISION));
  }

  public TrainingOptions withTotalSteps(long steps) {
    return new TrainingOptions(optimizer, learningRate, warmupSteps, lrSchedule, weightDecay, gradClipNorm, patience,
        epochs, maxSteps, steps, seed, threads, embeddingUpdate, precision);
  }

  /** The learning rate of (0-based) step t: linear warmup to the peak, then cosine decay to 0 at totalSteps. */
  public double learningRateAt(long step) {
    double warm = warmupSteps > 0 && step < warmupSteps ? (step + 1.0) / warmupSteps : 1.0;
    if (lrSchedule != LrSchedule.COSINE || totalSteps <= warmupSteps || step < warmupSteps) return learningRate * warm;
    double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
    return learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
