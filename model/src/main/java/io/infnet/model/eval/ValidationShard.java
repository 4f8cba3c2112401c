package io.infnet.model.eval;

import io.infnet.model.data.Batch;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * One worker's part of a sharded validation: the predicted probability, label and label mask per (row, task) of the
 * validation rows {@code i} with {@code i mod W == rank}, in their order. {@link #merge} puts every worker's part back in
 * row order, so the metrics are those of one evaluator over all rows (exact: the union of scores, no histograms), and
 * every worker that merges the same parts gets bitwise the same numbers.
 */
public final class ValidationShard {
  private final int tasks;
  private float[] predictions = new float[0]; // [row][task]
  private float[] labels = new float[0];      // [row][task]
  private float[] mask = new float[0];        // [row][task], 1 = labeled
  private int rows;

  public ValidationShard(int tasks) {
    this.tasks = tasks;
  }

  public int rows() {
    return rows;
  }

  /** Appends the batch's rows with their predictions [row][task]. */
  public void add(Batch batch, float[][] batchPredictions) {
    int n = batch.size();
    ensure((rows + n) * tasks);
    System.arraycopy(batch.labels(), 0, labels, rows * tasks, n * tasks);
    System.arraycopy(batch.labelMask(), 0, mask, rows * tasks, n * tasks);
    for (int r = 0; r < n; r++) System.arraycopy(batchPredictions[r], 0, predictions, (rows + r) * tasks, tasks);
    rows += n;
  }

  private void ensure(int length) {
    if (length <= predictions.length) return;
    int grown = Math.max(length, predictions.length * 2);
    predictions = Arrays.copyOf(predictions, grown);
    labels = Arrays.copyOf(labels, grown);
    mask = Arrays.copyOf(mask, grown);
  }

  public void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(rows);
    int n = rows * tasks;
    for (int i = 0; i < n; i++) {
      out.writeFloat(predictions[i]);
      out.writeFloat(labels[i]);
      out.writeFloat(mask[i]);
    }
  }

  public static ValidationShard readFrom(DataInputStream in, int tasks) throws IOException {
    ValidationShard s = new ValidationShard(tasks);
    s.rows = in.readInt();
    int n = s.rows * tasks;
    s.ensure(n);
    for (int i = 0; i < n; i++) {
      s.predictions[i] = in.readFloat();
      s.labels[i] = in.readFloat();
      s.mask[i] = in.readFloat();
    }
    return s;
  }

  /** Every worker's part ({@code byRank}: rank r held rows r, r+W, r+2W, …), as one evaluation over the rows in order. */
  public static Evaluation merge(List<ValidationShard> byRank, List<String> taskNames) {
    int w = byRank.size(), k = taskNames.size(), total = 0;
    for (ValidationShard s : byRank) total += s.rows;
    float[][] p = new float[total][];
    float[] y = new float[total * k];
    float[] m = new float[total * k];
    for (int i = 0; i < total; i++) {
      ValidationShard s = byRank.get(i % w);
      int local = i / w;
      if (local >= s.rows) throw new IllegalStateException("worker " + (i % w) + " evaluated " + s.rows + " validation rows, row " + i + " needs more");
      p[i] = Arrays.copyOfRange(s.predictions, local * k, local * k + k);
      System.arraycopy(s.labels, local * k, y, i * k, k);
      System.arraycopy(s.mask, local * k, m, i * k, k);
    }
    Evaluation evaluation = new Evaluation(taskNames);
    evaluation.add(total, y, m, p);
    return evaluation;
  }
}
