package io.infnet.bench;

import ai.djl.Device;
import io.infnet.model.ModelSpec;
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
 * which can switch TF32 on, passed as -Dinfnet.bench.ceilings=fp32:G,tf32:G,bf16:G in GFLOP/s). Ends with
 * {@code gpu base train samples/s @16384: N} and {@code gpu base inference rows/s @16384: N}.
 */
public final class GpuThroughput {
  private static final int[] BATCHES = {4096, 16384};
  private static final int CEILING_SIZE = 8192;
  private static final int WARMUP = 3;
  private static final int MAX_STEPS = 10;
  private static final double BUDGET_SECONDS = 20;

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
      }
    }
    double[] base = headline.get("base@16384");
    if (base != null) {
      System.out.printf(Locale.ROOT, "gpu base train samples/s @16384: %.0f%n", base[0]);
      System.out.printf(Locale.ROOT, "gpu base inference rows/s @16384: %.0f%n", base[1]);
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
