package io.infnet.jobs.train;

import io.infnet.model.train.StepResult;
import io.infnet.model.train.TrainingListener;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Prints a progress line (epoch, step, samples/s, loss, ETA) every few seconds and keeps the metric history
 * that the run appends to {@code training_runs}.
 */
public final class ProgressReporter implements TrainingListener {
  private static final long PRINT_EVERY_NANOS = 5_000_000_000L;

  private final PrintStream out;
  private final long stepsPerEpoch;
  private final int maxEpochs;
  private final List<MetricRecord> history = new ArrayList<>();
  private final long started = System.nanoTime();
  private long lastPrint = started;
  private long steps;
  private double lossSum;
  private int lossCount;

  public ProgressReporter(PrintStream out, long stepsPerEpoch, int maxEpochs) {
    this.out = out;
    this.stepsPerEpoch = Math.max(1, stepsPerEpoch);
    this.maxEpochs = maxEpochs;
  }

  @Override
  public void onStep(int epoch, StepResult r, double samplesPerSecond) {
    steps++;
    lossSum += r.loss();
    lossCount++;
    long now = System.nanoTime();
    if (now - lastPrint >= PRINT_EVERY_NANOS) {
      double meanLoss = lossSum / lossCount;
      history.add(new MetricRecord(epoch, r.step(), "train", "all", "loss", meanLoss));
      long remaining = stepsPerEpoch * maxEpochs - steps;
      double secPerStep = (now - started) / 1e9 / steps;
      out.printf("train: epoch %d/%d step %d/%d loss %.4f %,.0f samples/s ETA %s (at most)%n", epoch, maxEpochs,
          (steps - 1) % stepsPerEpoch + 1, stepsPerEpoch, meanLoss, samplesPerSecond, duration(remaining * secPerStep));
      lastPrint = now;
      lossSum = 0;
      lossCount = 0;
    }
  }

  @Override
  public void onEpoch(int epoch, Map<String, Double> validAuc, Map<String, Double> validLogloss) {
    StringBuilder line = new StringBuilder("train: epoch " + epoch + " valid");
    validAuc.forEach((task, auc) -> {
      history.add(new MetricRecord(epoch, steps, "valid", task, "auc", auc));
      line.append(String.format(" %s AUC %.4f", task, auc));
    });
    validLogloss.forEach((task, ll) -> history.add(new MetricRecord(epoch, steps, "valid", task, "logloss", ll)));
    out.println(line);
  }

  public List<MetricRecord> history() {
    return Collections.unmodifiableList(history);
  }

  public static String duration(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
  }
}
