package io.infnet.bench;

import java.util.Arrays;

/** Steady-state wall times: warm-up runs first, then timed runs until a count or a time budget is reached. */
final class Timing {
  private Timing() {}

  /**
   * Median seconds of one run of {@code work}, after up to {@code warmup} untimed runs (at least one; slow work stops
   * warming up after half the budget); at least 3 timed runs.
   */
  static double medianSeconds(Runnable work, int warmup, int maxRuns, double budgetSeconds) {
    return medianSeconds(work, warmup, maxRuns, budgetSeconds, () -> {});
  }

  /** As above; {@code afterWarmup} runs once between the warm-up and the timed runs. */
  static double medianSeconds(Runnable work, int warmup, int maxRuns, double budgetSeconds, Runnable afterWarmup) {
    long warmupStart = System.nanoTime();
    for (int i = 0; i < warmup && (i == 0 || (System.nanoTime() - warmupStart) / 1e9 < budgetSeconds / 2); i++) work.run();
    afterWarmup.run();
    double[] times = new double[maxRuns];
    int runs = 0;
    long start = System.nanoTime();
    while (runs < maxRuns && (runs < 3 || (System.nanoTime() - start) / 1e9 < budgetSeconds)) {
      long t0 = System.nanoTime();
      work.run();
      times[runs++] = (System.nanoTime() - t0) / 1e9;
    }
    return median(Arrays.copyOf(times, runs));
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
