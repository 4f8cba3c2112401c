package io.infnet.bench;

import ai.djl.Device;
import io.infnet.config.InfnetConfig;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.io.ModelExport;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * CPU ↔ GPU parity of every model type (issue 13, item 2), run on a machine with a GPU: the same seed gives the same
 * initial weights on either device ({@link Models#create(ModelSpec, long, Device)}), so predictions of one batch must
 * agree within 1e-4 (TF32 off: libtorch's default for matmuls). Training takes one fresh random batch per step (the
 * same on both devices), so nothing is memorized and float-rounding differences are not amplified: the per-step
 * losses must agree within {@value #FIRST_STEPS_LOSS_LIMIT} (relative) over the first {@value #FIRST_STEPS} steps and
 * {@value #LOSS_LIMIT} over all. After training, every placement is checked ({@link Trainer#checkDevicePlacement}),
 * and the GPU-trained model is exported (safetensors + manifest) and loaded on the CPU, whose predictions must equal
 * the GPU model's within 1e-4. Prints one line per model type and, last, {@code cpu-gpu parity: PASS|FAIL ...}.
 *
 * <p>Usage: {@code DeviceParity [config=base] [rows=512] [steps=50]}
 */
public final class DeviceParity {
  private static final List<String> TYPES = List.of("infnet", "shared_bottom", "mmoe", "ple", "dcnv2", "full_attention");
  private static final double PREDICTION_LIMIT = 1e-4;
  private static final int FIRST_STEPS = 5;
  private static final double FIRST_STEPS_LOSS_LIMIT = 1e-4;
  private static final double LOSS_LIMIT = 2e-3; // relative: weights drift apart by float rounding, step after step

  private DeviceParity() {}

  public static void main(String[] args) throws IOException {
    BenchConfig shape = BenchConfig.named(args.length > 0 ? args[0] : "base");
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 512;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    System.out.println("cpu-gpu parity: " + shape + "; " + rows + " rows, " + steps + " steps (a fresh batch each); gpu " + Device.gpu());
    boolean pass = true;
    double worstPrediction = 0, worstFirst = 0, worstLoss = 0, worstExport = 0;
    for (String type : TYPES) {
      Result r = compare(shape.spec(type), rows, steps);
      System.out.println(r.line(type));
      worstPrediction = Math.max(worstPrediction, r.predictionDiff());
      worstFirst = Math.max(worstFirst, r.firstStepsLossDiff());
      worstLoss = Math.max(worstLoss, r.lossDiff());
      worstExport = Math.max(worstExport, r.exportDiff());
      pass &= r.predictionDiff() <= PREDICTION_LIMIT && r.firstStepsLossDiff() <= FIRST_STEPS_LOSS_LIMIT
          && r.lossDiff() <= LOSS_LIMIT && r.exportDiff() <= PREDICTION_LIMIT;
    }
    System.out.printf(Locale.ROOT, "cpu-gpu parity: %s (largest prediction difference %.2e, limit %.0e; largest relative loss "
        + "difference over the first %d steps %.2e, limit %.0e, over %d steps %.2e, limit %.0e; GPU-trained export scored on "
        + "cpu %.2e, limit %.0e; %d model types trained and scored on %s)%n", pass ? "PASS" : "FAIL",
        worstPrediction, PREDICTION_LIMIT, FIRST_STEPS, worstFirst, FIRST_STEPS_LOSS_LIMIT, steps, worstLoss, LOSS_LIMIT,
        worstExport, PREDICTION_LIMIT, TYPES.size(), Device.gpu());
  }

  /** Prediction and per-step loss differences, the export's CPU-vs-GPU prediction difference, seconds per step. */
  record Result(double predictionDiff, double firstStepsLossDiff, double lossDiff, double exportDiff, double firstLoss,
      double lastLossCpu, double lastLossGpu, double cpuStepSeconds, double gpuStepSeconds) {
    String line(String type) {
      return String.format(Locale.ROOT, "%-15s prediction diff %.2e  loss %.5f -> cpu %.5f / gpu %.5f (max rel diff first %d "
          + "steps %.2e, all %.2e)  export scored on cpu %.2e  step cpu %.3f s / gpu %.4f s", type, predictionDiff, firstLoss,
          lastLossCpu, lastLossGpu, FIRST_STEPS, firstStepsLossDiff, lossDiff, exportDiff, cpuStepSeconds, gpuStepSeconds);
    }
  }

  private static Result compare(ModelSpec spec, int rows, int steps) throws IOException {
    Random random = new Random(11);
    Batch probe = RandomBatches.of(spec.schema(), rows, random);
    TrainingOptions options = TrainingOptions.from(InfnetConfig.defaults().with("train.warmup_steps=0", "train.learning_rate=0.001"));
    try (RankingModel cpu = Models.create(spec, 7, Device.cpu()); RankingModel gpu = Models.create(spec, 7, Device.gpu());
         Trainer onCpu = new Trainer(cpu, options); Trainer onGpu = new Trainer(gpu, options)) {
      double predictionDiff = maxDiff(cpu.predict(probe), gpu.predict(probe));
      double firstDiff = 0, lossDiff = 0, first = 0, lastCpu = 0, lastGpu = 0;
      long cpuNanos = 0, gpuNanos = 0;
      for (int s = 0; s < steps; s++) {
        Batch b = RandomBatches.of(spec.schema(), rows, random);
        long t0 = System.nanoTime();
        double lc = onCpu.step(b).loss();
        long t1 = System.nanoTime();
        double lg = onGpu.step(b).loss();
        gpuNanos += System.nanoTime() - t1;
        cpuNanos += t1 - t0;
        if (s == 0) first = lc;
        lastCpu = lc;
        lastGpu = lg;
        double diff = Math.abs(lc - lg) / Math.max(1e-12, Math.abs(lc));
        lossDiff = Math.max(lossDiff, diff);
        if (s < FIRST_STEPS) firstDiff = Math.max(firstDiff, diff);
      }
      onGpu.checkDevicePlacement();
      return new Result(predictionDiff, firstDiff, lossDiff, exportScoredOnCpu(gpu, probe), first, lastCpu, lastGpu,
          cpuNanos / 1e9 / steps, gpuNanos / 1e9 / steps);
    }
  }

  /** The GPU model's registered form (safetensors + manifest) loaded on the CPU: largest prediction difference. */
  private static double exportScoredOnCpu(RankingModel gpu, Batch probe) throws IOException {
    Path dir = Files.createTempDirectory("gpu-export");
    try {
      ModelExport.save(gpu, dir, null);
      try (RankingModel loaded = ModelExport.load(dir)) {
        return maxDiff(loaded.predict(probe), gpu.predict(probe));
      }
    } finally {
      for (String f : List.of(ModelExport.WEIGHTS_FILE, ModelExport.MANIFEST_FILE)) Files.deleteIfExists(dir.resolve(f));
      Files.deleteIfExists(dir);
    }
  }

  private static double maxDiff(float[][] a, float[][] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
    return max;
  }
}
