package io.infnet.model.eval;

import io.infnet.model.data.Batch;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accumulates predictions and labels of labeled rows per task, then reports AUC and logloss per task. */
public final class Evaluation {
  private final List<String> tasks;
  private final float[][] scores;
  private final float[][] labels;
  private final int[] counts;

  public Evaluation(List<String> tasks) {
    this.tasks = List.copyOf(tasks);
    this.scores = new float[tasks.size()][1024];
    this.labels = new float[tasks.size()][1024];
    this.counts = new int[tasks.size()];
  }

  /** Adds every labeled (row, task) of the batch with its prediction [row][task]. */
  public void add(Batch batch, float[][] predictions) {
    add(batch.size(), batch.labels(), batch.labelMask(), predictions);
  }

  /** Adds the labeled (row, task) pairs of {@code rows} rows: labels and mask [row][task] row-major, predictions [row][task]. */
  public void add(int rows, float[] y, float[] mask, float[][] predictions) {
    int k = tasks.size();
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < k; t++) {
        if (mask[r * k + t] == 0f) continue;
        if (counts[t] == scores[t].length) {
          scores[t] = Arrays.copyOf(scores[t], counts[t] * 2);
          labels[t] = Arrays.copyOf(labels[t], counts[t] * 2);
        }
        scores[t][counts[t]] = predictions[r][t];
        labels[t][counts[t]++] = y[r * k + t];
      }
    }
  }

  public List<String> tasks() {
    return tasks;
  }

  public Map<String, Double> auc() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int t = 0; t < tasks.size(); t++) out.put(tasks.get(t), Metrics.auc(scores[t], labels[t], counts[t]));
    return out;
  }

  public Map<String, Double> logloss() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int t = 0; t < tasks.size(); t++) out.put(tasks.get(t), Metrics.logloss(scores[t], labels[t], counts[t]));
    return out;
  }

  /** Mean over tasks whose AUC is defined; NaN when none is. */
  public static double meanAuc(Map<String, Double> auc) {
    return auc.values().stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
