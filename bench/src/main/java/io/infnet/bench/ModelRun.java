package io.infnet.bench;

import ai.djl.Device;
import io.infnet.config.InfnetConfig;
import io.infnet.config.choices.ModelType;
import io.infnet.config.choices.Precision;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.data.Batch;
import io.infnet.model.nn.Autocast;
import io.infnet.model.train.Gradients;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains and scores one model on synthetic batches and times it. A "batch" is a list of chunks: the full-attention
 * model's (B, H, N, N) score tensors do not fit in memory at B=1024 for long sequences, so it takes a batch in chunks,
 * summing their gradients before one optimizer step (the same update as one batch: the loss is a sum over rows).
 */
final class ModelRun implements AutoCloseable {
  private static final long ATTENTION_BYTES_PER_CHUNK = 256L << 20;
  private static final int DISTINCT_BATCHES = 2;
  private final ModelSpec spec;
  private final NetworkModel model;
  private final int chunkRows;
  private final Random random = new Random(7);

  /** Median wall times of one training step of a full batch, in seconds. */
  record TrainingTimes(double step, double forward, double backward, double gradientCopy, double optimizer) {}

  ModelRun(ModelSpec spec, int batchRows) {
    this(spec, batchRows, Device.cpu());
  }

  ModelRun(ModelSpec spec, int batchRows, Device device) {
    this.spec = spec;
    this.model = (NetworkModel) Models.create(spec, 1, device);
    this.chunkRows = chunkRows(spec, batchRows);
  }

  NetworkModel model() {
    return model;
  }

  int chunkRows() {
    return chunkRows;
  }

  /** INFNet: the whole batch. Full attention: the largest power of two whose h·N² float scores fit the budget. */
  private static int chunkRows(ModelSpec spec, int batchRows) {
    if (spec.type() != ModelType.FULL_ATTENTION) return batchRows;
    long tokens = spec.schema().fields().size() + spec.taskCount()
        + spec.schema().sequences().stream().mapToLong(s -> s.maxLength()).sum();
    long perRow = spec.heads() * tokens * tokens * Float.BYTES;
    int rows = Integer.highestOneBit((int) Math.max(1, Math.min(batchRows, ATTENTION_BYTES_PER_CHUNK / perRow)));
    return Math.min(rows, batchRows);
  }

  List<Batch> batch(int rows) {
    List<Batch> chunks = new ArrayList<>();
    for (int done = 0; done < rows; done += chunkRows) {
      chunks.add(RandomBatches.of(spec.schema(), Math.min(chunkRows, rows - done), random));
    }
    return chunks;
  }

  TrainingTimes train(int batchRows, int threads, int warmup, int maxSteps, double budgetSeconds) {
    return train(batchRows, threads, warmup, maxSteps, budgetSeconds, Precision.FP32);
  }

  /** As {@link #train(int, int, int, int, double)} with train.precision = {@code precision}. */
  TrainingTimes train(int batchRows, int threads, int warmup, int maxSteps, double budgetSeconds, Precision precision) {
    List<List<Batch>> batches = new ArrayList<>();
    for (int i = 0; i < DISTINCT_BATCHES; i++) batches.add(batch(batchRows));
    TrainingOptions options = TrainingOptions.from(InfnetConfig.defaults().with("train.threads=" + threads,
        "train.precision=" + precision.configName()));
    List<double[]> phases = new ArrayList<>();
    try (Trainer trainer = new Trainer(model, options)) {
      int[] step = {0};
      double median = Timing.medianSeconds(() -> phases.add(step(trainer, batches.get(step[0]++ % DISTINCT_BATCHES))),
          warmup, maxSteps, budgetSeconds, phases::clear);
      return new TrainingTimes(median, medianOf(phases, 0), medianOf(phases, 1), medianOf(phases, 2), medianOf(phases, 3));
    }
  }

  /** One optimizer step over every chunk; returns seconds of forward, backward, gradient flattening, optimizer. */
  private static double[] step(Trainer trainer, List<Batch> chunks) {
    double[] phases = new double[4];
    Gradients sum = null;
    for (Batch chunk : chunks) {
      trainer.computeGradients(chunk);
      Trainer.PhaseNanos p = trainer.lastPhases();
      phases[0] += p.forward() / 1e9;
      phases[1] += p.backward() / 1e9;
      phases[2] += p.gradientCopy() / 1e9;
      sum = sum == null ? trainer.gradients() : sum.plus(trainer.gradients());
    }
    long start = System.nanoTime();
    trainer.applyUpdate(sum);
    phases[3] = (System.nanoTime() - start) / 1e9;
    return phases;
  }

  private static double medianOf(List<double[]> rows, int column) {
    return Timing.median(rows.stream().mapToDouble(r -> r[column]).toArray());
  }

  /** Median seconds to predict one batch of {@code rows} (inference mode). */
  double predict(int rows, int warmup, int maxRuns, double budgetSeconds) {
    return predict(rows, warmup, maxRuns, budgetSeconds, Autocast.FP32);
  }

  /** As {@link #predict(int, int, int, double)}, the forward pass under {@code precision}. */
  double predict(int rows, int warmup, int maxRuns, double budgetSeconds, Autocast precision) {
    List<Batch> chunks = batch(rows);
    return Timing.medianSeconds(() -> chunks.forEach(b -> model.predict(b, precision)), warmup, maxRuns, budgetSeconds);
  }

  /** Largest |p_fp32 − p_precision| over the predictions of {@code rows} rows, same weights (accuracy of the cast). */
  double predictionGap(int rows, Autocast precision) {
    double gap = 0;
    for (Batch chunk : batch(rows)) {
      float[][] full = model.predict(chunk);
      float[][] reduced = model.predict(chunk, precision);
      for (int r = 0; r < full.length; r++) {
        for (int k = 0; k < full[r].length; k++) gap = Math.max(gap, Math.abs(full[r][k] - reduced[r][k]));
      }
    }
    return gap;
  }

  @Override
  public void close() {
    model.close();
  }
}
