package io.infnet.bench;

import ai.djl.Device;
import io.infnet.config.InfnetConfig;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * CPU ↔ GPU parity of every model type (issue 13, item 2), run on a machine with a GPU: the same seed gives the same
 * initial weights on either device ({@link Models#create(ModelSpec, long, Device)}), so predictions of one batch must
 * agree within 1e-4 (TF32 off: libtorch's default for matmuls), and 50 Adam steps on the same batches must give close
 * losses. Prints one line per model type and, last, {@code cpu-gpu parity: PASS|FAIL ...}.
 *
 * <p>Usage: {@code DeviceParity [config=base] [rows=512] [steps=50]}
 */
public final class DeviceParity {
  private static final List<String> TYPES = List.of("infnet", "shared_bottom", "mmoe", "ple", "dcnv2", "full_attention");
  private static final double PREDICTION_LIMIT = 1e-4;
  private static final double LOSS_LIMIT = 1e-3; // relative, after 50 steps: float sums reordered on the GPU

  private DeviceParity() {}

  public static void main(String[] args) {
    BenchConfig shape = BenchConfig.named(args.length > 0 ? args[0] : "base");
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 512;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    System.out.println("cpu-gpu parity: " + shape + "; " + rows + " rows, " + steps + " steps; gpu " + Device.gpu());
    boolean pass = true;
    double worstPrediction = 0, worstLoss = 0;
    for (String type : TYPES) {
      Result r = compare(shape.spec(type), rows, steps);
      System.out.println(r.line(type));
      worstPrediction = Math.max(worstPrediction, r.predictionDiff());
      worstLoss = Math.max(worstLoss, r.lossDiff());
      pass &= r.predictionDiff() <= PREDICTION_LIMIT && r.lossDiff() <= LOSS_LIMIT;
    }
    System.out.printf(Locale.ROOT, "cpu-gpu parity: %s (largest prediction difference %.2e, limit %.0e; largest relative loss "
        + "difference over %d steps %.2e, limit %.0e; %d model types trained and scored on %s)%n", pass ? "PASS" : "FAIL",
        worstPrediction, PREDICTION_LIMIT, steps, worstLoss, LOSS_LIMIT, TYPES.size(), Device.gpu());
  }

  /** Largest |p_cpu − p_gpu| over a batch's predictions; largest relative loss difference; seconds per step each way. */
  record Result(double predictionDiff, double lossDiff, double firstLoss, double lastLossCpu, double lastLossGpu,
      double cpuStepSeconds, double gpuStepSeconds) {
    String line(String type) {
      return String.format(Locale.ROOT, "%-15s prediction diff %.2e  loss %.5f -> cpu %.5f / gpu %.5f (max rel diff %.2e)  "
          + "step cpu %.3f s / gpu %.4f s", type, predictionDiff, firstLoss, lastLossCpu, lastLossGpu, lossDiff, cpuStepSeconds,
          gpuStepSeconds);
    }
  }

  private static Result compare(ModelSpec spec, int rows, int steps) {
    List<Batch> batches = new ArrayList<>();
    Random random = new Random(11);
    for (int i = 0; i < Math.min(steps, 8); i++) batches.add(RandomBatches.of(spec.schema(), rows, random));
    TrainingOptions options = TrainingOptions.from(InfnetConfig.defaults().with("train.warmup_steps=0", "train.learning_rate=0.001"));
    try (RankingModel cpu = Models.create(spec, 7, Device.cpu()); RankingModel gpu = Models.create(spec, 7, Device.gpu());
         Trainer onCpu = new Trainer(cpu, options); Trainer onGpu = new Trainer(gpu, options)) {
      double predictionDiff = maxDiff(cpu.predict(batches.get(0)), gpu.predict(batches.get(0)));
      double lossDiff = 0, first = 0, lastCpu = 0, lastGpu = 0;
      long cpuNanos = 0, gpuNanos = 0;
      for (int s = 0; s < steps; s++) {
        Batch b = batches.get(s % batches.size());
        long t0 = System.nanoTime();
        double lc = onCpu.step(b).loss();
        long t1 = System.nanoTime();
        double lg = onGpu.step(b).loss();
        gpuNanos += System.nanoTime() - t1;
        cpuNanos += t1 - t0;
        if (s == 0) first = lc;
        lastCpu = lc;
        lastGpu = lg;
        lossDiff = Math.max(lossDiff, Math.abs(lc - lg) / Math.max(1e-12, Math.abs(lc)));
      }
      return new Result(predictionDiff, lossDiff, first, lastCpu, lastGpu, cpuNanos / 1e9 / steps, gpuNanos / 1e9 / steps);
    }
  }

  private static double maxDiff(float[][] a, float[][] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
    return max;
  }
}
