package io.infnet.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.infnet.model.ModelSpec;
import io.infnet.model.data.Batch;
import io.infnet.model.nn.ForwardFlops;
import io.infnet.model.nn.ForwardFlops.Form;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/model-throughput: training samples/s and inference rows/s of INFNet at the sizes of docs/BENCHMARKS.md,
 * as a fraction of the machine's fp32 matmul ceiling measured in the same run; for {@code long} also the
 * full-self-attention model over the same tokens. Usage: {@code ModelThroughput [small|base|long]... [--no-profile]}.
 * Threads: -Dinfnet.bench.threads (default 2). Run with OMP_WAIT_POLICY=PASSIVE (the script sets it).
 */
public final class ModelThroughput {
  private static final int CEILING_SIZE = 2048;
  private static final int[] INFERENCE_BATCHES = {1024, 4096};
  private static final int TRAIN_WARMUP = 3;
  private static final int TRAIN_MAX_STEPS = 10;
  private static final double TRAIN_BUDGET_SECONDS = 30;
  private static final int PREDICT_WARMUP = 2;
  private static final int PREDICT_MAX_RUNS = 10;
  private static final double PREDICT_BUDGET_SECONDS = 15;

  private ModelThroughput() {}

  public static void main(String[] args) {
    boolean profile = !List.of(args).contains("--no-profile");
    List<String> names = new ArrayList<>(List.of(args).stream().filter(a -> !a.startsWith("--")).toList());
    if (names.isEmpty()) names.add("base");
    int threads = Integer.getInteger("infnet.bench.threads", 2);
    Engine.getInstance(); // loads libtorch before the first direct JNI call
    JniUtils.setNumThreads(threads);
    for (String name : names) run(BenchConfig.named(name), threads, profile);
  }

  private static void run(BenchConfig config, int threads, boolean profile) {
    System.out.printf("== model-throughput %s%n", config);
    System.out.printf("intra-op threads: %d, OMP_WAIT_POLICY=%s, load average: %s%n", threads,
        System.getenv("OMP_WAIT_POLICY"), loadAverage());
    boolean compare = "long".equals(config.name());
    if (compare) printGrowth(config);
    for (String type : compare ? List.of("infnet", "full_attention") : List.of("infnet")) {
      measure(config, config.spec(type), threads, profile && "infnet".equals(type));
    }
  }

  private static void measure(BenchConfig config, ModelSpec spec, int threads, boolean profile) {
    System.out.printf("-- %s, %s%n", spec.type(), config.name());
    double ceiling = MatmulCeiling.gflops(CEILING_SIZE, 5, 5);
    System.out.printf("fp32 matmul ceiling (%d x %d, best of 5 x 5 products): %.1f GFLOP/s%n", CEILING_SIZE, CEILING_SIZE, ceiling);
    long modelFlops = ForwardFlops.total(ForwardFlops.of(spec, Form.MODEL));
    long executedFlops = ForwardFlops.total(ForwardFlops.of(spec, Form.EXECUTED));
    try (ModelRun run = new ModelRun(spec, config.batch())) {
      System.out.printf("parameters: %,d%n", run.model().parameterCount());
      System.out.printf("forward FLOPs per sample: %,d model (spec: every CA projects its own K/V), %,d executed; training = 3x forward%n",
          modelFlops, executedFlops);
      if (run.chunkRows() < config.batch()) {
        System.out.printf("batches run in chunks of %d rows (attention scores of a whole batch do not fit in memory)%n", run.chunkRows());
      }
      ModelRun.TrainingTimes training = run.train(config.batch(), threads, TRAIN_WARMUP, TRAIN_MAX_STEPS, TRAIN_BUDGET_SECONDS);
      double trainRate = config.batch() / training.step();
      System.out.printf("train: %,.0f samples/s (%.1f ms per step of %d, median), %.1f GFLOP/s model, %.1f executed%n",
          trainRate, training.step() * 1e3, config.batch(), gflops(3 * modelFlops, trainRate), gflops(3 * executedFlops, trainRate));
      double inferenceRate = 0;
      for (int rows : INFERENCE_BATCHES) {
        if (run.chunkRows() < config.batch() && rows > config.batch()) {
          // A chunked model runs any batch as chunks: a bigger batch only multiplies minutes by the same per-row cost.
          System.out.printf("inference batch %d: skipped (runs as chunks of %d rows; the fraction below uses batch %d)%n",
              rows, run.chunkRows(), config.batch());
          continue;
        }
        inferenceRate = rows / run.predict(rows, PREDICT_WARMUP, PREDICT_MAX_RUNS, PREDICT_BUDGET_SECONDS);
        System.out.printf("inference batch %d: %,.0f rows/s, %.1f GFLOP/s model, %.1f executed%n",
            rows, inferenceRate, gflops(modelFlops, inferenceRate), gflops(executedFlops, inferenceRate));
      }
      if (profile) {
        Batch batch = run.batch(config.batch()).get(0);
        ComponentProfile.print(run.model(), batch, training);
      }
      // The headline fractions count the work actually executed; the model-FLOP count of docs/MODEL.md (every CA
      // projecting its own K/V) would credit the model with FLOPs the folded form never performs.
      System.out.printf("spec-literal model FLOPs over the ceiling: train %.1f%%, inference %.1f%%%n",
          100 * gflops(3 * modelFlops, trainRate) / ceiling, 100 * gflops(modelFlops, inferenceRate) / ceiling);
      System.out.printf("train fraction of ceiling: %.1f%%%n", 100 * gflops(3 * executedFlops, trainRate) / ceiling);
      System.out.printf("inference fraction of ceiling: %.1f%%%n", 100 * gflops(executedFlops, inferenceRate) / ceiling);
    }
  }

  /** Analytical forward FLOPs per sample of both models from 50 to 200 events per sequence: linear vs quadratic. */
  private static void printGrowth(BenchConfig config) {
    System.out.println("forward model FLOPs per sample by events per sequence (infnet | full_attention):");
    for (int events : new int[] {50, 100, 200}) {
      BenchConfig sized = config.withEvents(config.name(), events);
      System.out.printf("  %3d events: %,15d | %,15d%n", events, ForwardFlops.total(ForwardFlops.of(sized.spec("infnet"), Form.MODEL)),
          ForwardFlops.total(ForwardFlops.of(sized.spec("full_attention"), Form.MODEL)));
    }
  }

  private static double gflops(long flopsPerSample, double samplesPerSecond) {
    return flopsPerSample * samplesPerSecond / 1e9;
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
