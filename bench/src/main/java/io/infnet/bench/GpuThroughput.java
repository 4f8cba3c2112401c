package io.infnet.bench;

import ai.djl.Device;
import io.infnet.config.choices.Precision;
import io.infnet.model.ModelSpec;
import io.infnet.model.nn.Autocast;
import io.infnet.model.nn.ForwardFlops;
import io.infnet.model.nn.ForwardFlops.Form;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/model-throughput --device gpu} (issue 13, item 4), run on the lent GPU by
 * bench/model-throughput-gpu/run-on-device.sh: INFNet training samples/s and inference rows/s on {@code gpu(0)} at
 * batch 4,096 and 16,384 for the given shapes (default base and long), each as a fraction of the fp32, TF32 and bf16
 * matmul ceilings measured in the same run (fp32 here through DJL; TF32 and bf16 by the script through Python's torch,
 * which can switch TF32 on, passed as -Dinfnet.bench.ceilings=fp32:G,tf32:G,bf16:G in GFLOP/s). Then, where the JNI
 * library has bfloat16 (-Dinfnet.jni.bfloat16=true: the script rebuilds it so), the same at batch 16,384 with
 * train.precision=bf16 (else fp16) and the largest fp32 − bf16 prediction gap on the same weights. Ends with
 * {@code gpu base train samples/s @16384: N} and {@code gpu base inference rows/s @16384: N} (fp32), then the bf16
 * pair ({@code gpu base bf16 train samples/s @16384: N}, {@code gpu base bf16 inference rows/s @16384: N}).
 */
public final class GpuThroughput {
  private static final int[] BATCHES = {4096, 16384};
  private static final int CEILING_SIZE = 8192;
  private static final int WARMUP = 3;
  private static final int MAX_STEPS = 10;
  private static final double BUDGET_SECONDS = 20;
  private static final int REDUCED_PRECISION_BATCH = 16384;
  /** bf16 where the JNI library has it (the script rebuilds it so), else fp16, which DJL's own library can cast to. */
  private static final Precision REDUCED = Boolean.getBoolean(Autocast.JNI_BFLOAT16_PROPERTY) ? Precision.BF16 : Precision.FP16;

  private GpuThroughput() {}

  public static void main(String[] args) {
    List<String> names = args.length == 0 ? List.of("base", "long") : List.of(args);
    Map<String, Double> ceilings = ceilings();
    ceilings.forEach((k, v) -> System.out.printf(Locale.ROOT, "%s matmul ceiling: %.1f TFLOP/s%n", k, v / 1e3));
    Map<String, double[]> headline = new LinkedHashMap<>();
    for (String name : names) {
      BenchConfig config = BenchConfig.named(name);
      ModelSpec spec = config.spec("infnet");
      long flops = ForwardFlops.total(ForwardFlops.of(spec, Form.EXECUTED));
      System.out.printf(Locale.ROOT, "== %s on %s: forward %,d executed FLOPs per sample; training = 3x forward%n", config, Device.gpu(), flops);
      try (ModelRun run = new ModelRun(spec, BATCHES[BATCHES.length - 1], Device.gpu())) {
        for (int rows : BATCHES) {
          double train = rows / run.train(rows, 0, WARMUP, MAX_STEPS, BUDGET_SECONDS).step();
          double infer = rows / run.predict(rows, WARMUP, MAX_STEPS, BUDGET_SECONDS);
          System.out.printf(Locale.ROOT, "%s batch %d: train %,.0f samples/s (%s), inference %,.0f rows/s (%s)%n", name, rows,
              train, fractions(3 * flops * train, ceilings), infer, fractions(flops * infer, ceilings));
          headline.put(name + "@" + rows, new double[] {train, infer});
        }
        int rows = REDUCED_PRECISION_BATCH;
        double train = rows / run.train(rows, 0, WARMUP, MAX_STEPS, BUDGET_SECONDS, REDUCED).step();
        double infer = rows / run.predict(rows, WARMUP, MAX_STEPS, BUDGET_SECONDS, Autocast.of(REDUCED));
        System.out.printf(Locale.ROOT, "%s batch %d %s: train %,.0f samples/s (%s), inference %,.0f rows/s (%s)%n", name,
            rows, REDUCED, train, fractions(3 * flops * train, ceilings), infer, fractions(flops * infer, ceilings));
        headline.put(name + " " + REDUCED + "@" + rows, new double[] {train, infer});
        System.out.printf(Locale.ROOT, "%s %s vs fp32 predictions, same weights, 4096 rows: max |dp| %.2e%n", name, REDUCED,
            run.predictionGap(4096, Autocast.of(REDUCED)));
      }
    }
    double[] base = headline.get("base@16384");
    if (base != null) {
      System.out.printf(Locale.ROOT, "gpu base train samples/s @16384: %.0f%n", base[0]);
      System.out.printf(Locale.ROOT, "gpu base inference rows/s @16384: %.0f%n", base[1]);
    }
    double[] reduced = headline.get("base " + REDUCED + "@16384");
    if (reduced != null) {
      System.out.printf(Locale.ROOT, "gpu base %s train samples/s @16384: %.0f%n", REDUCED, reduced[0]);
      System.out.printf(Locale.ROOT, "gpu base %s inference rows/s @16384: %.0f%n", REDUCED, reduced[1]);
    }
  }

  /** fp32 measured here; TF32 and bf16 as the script measured them (absent when run without it). */
  private static Map<String, Double> ceilings() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("fp32 (DJL)", MatmulCeiling.gflops(CEILING_SIZE, 5, 10));
    for (String entry : System.getProperty("infnet.bench.ceilings", "").split(",")) {
      if (entry.isBlank()) continue;
      String[] kv = entry.split(":");
      if (kv.length != 2) throw new IllegalArgumentException("infnet.bench.ceilings: expected name:GFLOPs, got '" + entry + "'");
      out.put(kv[0] + " (torch)", Double.parseDouble(kv[1]));
    }
    return out;
  }

  private static String fractions(double flopsPerSecond, Map<String, Double> ceilings) {
    StringBuilder s = new StringBuilder();
    ceilings.forEach((k, g) -> s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f%% of %s", 100 * flopsPerSecond / 1e9 / g, k)));
    return s.toString();
  }
}
