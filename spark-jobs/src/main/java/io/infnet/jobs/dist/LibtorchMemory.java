package io.infnet.jobs.dist;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.DeviceKind;
import io.infnet.schema.FeatureSchema;

/**
 * What a training worker holds outside the JVM heap besides the model's state: the JVM's own non-heap memory, libtorch's
 * runtime, and the activations of its largest batch, a training step's slice of the global batch or a validation batch
 * of score.batch_size rows (every worker evaluates all validation rows after each epoch, {@link TrainingWorker}).
 *
 * <p>Derived from measurements (docs/BENCHMARKS.md, "Native memory of a training worker"), on the high side:
 * <ul>
 *   <li>{@link #RUNTIME}: the executor JVM's own memory outside the heap (metaspace, code cache, threads, GC) was
 *       ~315 MB by Native Memory Tracking in both executors of the 2-worker cluster run; libtorch loaded with a model
 *       and its intra-op threads, 117-130 MB, ~160 MB after the first small steps (bench/activation-memory). 512 MB.
 *   <li>Activations scale with the batch and with tokens × d × (blocks + 1), tokens = fields + every sequence's events
 *       (a block updates every token; the embeddings are one more layer of them). bench/activation-memory measured
 *       the growth of peak RSS between batch sizes: quick-start shape (102 tokens, d=32, 2 blocks: 9,792 token-dims)
 *       328 KB per training sample, 258 KB per predicted one; bench "base" (190 tokens, d=64, 3 blocks: 48,640)
 *       1,432 and 1,121 KB. That is 7.4-8.4 floats per token-dim for a training step (forward activations kept for
 *       backward, their gradients) and 5.8-6.6 for a prediction (DJL keeps a batch's intermediates until it closes):
 *       9 and 8 here (8, not 7, so that the cluster run below is covered).
 * </ul>
 * The estimate covers the cluster run that showed the gap: 2 workers on the quick start peaked at 2,668 MB
 * resident, of which at most 1,607 MB outside the heap (heap committed 1,061 MB at its last sample); this estimate
 * says 512 + 1,224 (validation batch 4,096) + 2 (state) = 1,738 MB. The model type is not considered: the
 * baselines hold less per sample than INFNet; full_attention's h·N² scores per block are not counted.
 */
record LibtorchMemory(int trainBatch, int validBatch, long tokenDims) {
  static final long RUNTIME = 512L << 20;
  static final long TRAIN_FLOATS_PER_TOKEN_DIM = 9;
  static final long PREDICT_FLOATS_PER_TOKEN_DIM = 8;

  /** A worker of {@code workers} training on {@code schema} with {@code config}'s model and batch sizes. */
  static LibtorchMemory of(FeatureSchema schema, InfnetConfig config, int workers, long validRows) {
    long tokens = schema.fields().size();
    for (FeatureSchema.Sequence s : schema.sequences()) tokens += s.maxLength();
    // on a GPU the activations live in the device's memory, not in the executor's resident set
    boolean onHost = config.get(Keys.TRAIN_DEVICE) == DeviceKind.CPU;
    long tokenDims = onHost ? tokens * config.get(Keys.MODEL_DIM) * (config.get(Keys.MODEL_BLOCKS) + 1) : 0;
    int validBatch = (int) Math.min(config.get(Keys.SCORE_BATCH_SIZE), validRows);
    return new LibtorchMemory(Math.max(1, config.get(Keys.TRAIN_BATCH_SIZE) / workers), validBatch, tokenDims);
  }

  long trainBytes() {
    return trainBatch * tokenDims * TRAIN_FLOATS_PER_TOKEN_DIM * Float.BYTES;
  }

  long validBytes() {
    return validBatch * tokenDims * PREDICT_FLOATS_PER_TOKEN_DIM * Float.BYTES;
  }

  long activationBytes() {
    return Math.max(trainBytes(), validBytes());
  }

  /** The batch whose activations are the larger: what to shrink (train.batch_size or score.batch_size) to need less. */
  String largestBatch() {
    return trainBytes() >= validBytes() ? "training batch " + trainBatch : "validation batch " + validBatch;
  }

  long bytes() {
    return RUNTIME + activationBytes();
  }
}
