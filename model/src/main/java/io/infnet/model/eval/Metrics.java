package io.infnet.model.eval;

import java.util.Arrays;

/** Binary classification metrics over the first n entries of score/label arrays (labels 0/1). */
public final class Metrics {
  private static final double EPSILON = 1e-7;

  private Metrics() {}

  /**
   * ROC AUC by the rank-sum (Mann-Whitney) formula; tied scores share their average rank, so a constant scorer
   * gets exactly 0.5. NaN when one class is absent.
   */
  public static double auc(float[] scores, float[] labels, int n) {
    // Sort (score, label) pairs as longs: order-preserving float bits in the high part, the label in bit 0.
    long[] keys = new long[n];
    long positives = 0;
    for (int i = 0; i < n; i++) {
      keys[i] = ((long) sortableBits(scores[i]) << 1) | (labels[i] > 0.5f ? 1 : 0);
      if (labels[i] > 0.5f) positives++;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) return Double.NaN;
    Arrays.sort(keys);
    double positiveRankSum = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      long positivesInTie = 0;
      while (j < n && (keys[j] >> 1) == (keys[i] >> 1)) positivesInTie += keys[j++] & 1;
      double averageRank = (i + 1 + j) / 2.0; // ranks i+1..j
      positiveRankSum += averageRank * positivesInTie;
      i = j;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * gAUC: the AUC of each group (user) that has both classes, averaged with equal weight per group (the gAUC
   * the INFNet paper reports). Returns {mean, groups counted}; mean is NaN when no group has both classes.
   */
  public static double[] groupAuc(float[] scores, float[] labels, long[] groups, int n) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Long.compare(groups[a], groups[b]));
    double sum = 0;
    int counted = 0;
    for (int start = 0; start < n; ) {
      int end = start;
      while (end < n && groups[order[end]] == groups[order[start]]) end++;
      float[] s = new float[end - start];
      float[] y = new float[end - start];
      for (int i = start; i < end; i++) {
        s[i - start] = scores[order[i]];
        y[i - start] = labels[order[i]];
      }
      double auc = auc(s, y, s.length);
      if (!Double.isNaN(auc)) {
        sum += auc;
        counted++;
      }
      start = end;
    }
    return new double[] {counted == 0 ? Double.NaN : sum / counted, counted};
  }

  /** Mean binary cross-entropy, probabilities clamped to [1e-7, 1-1e-7]. NaN when n = 0. */
  public static double logloss(float[] scores, float[] labels, int n) {
    if (n == 0) return Double.NaN;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double p = Math.min(1 - EPSILON, Math.max(EPSILON, scores[i]));
      sum -= labels[i] > 0.5f ? Math.log(p) : Math.log(1 - p);
    }
    return sum / n;
  }

  /** Float bits mapped so that signed int order equals float order (NaN excluded). */
  private static int sortableBits(float f) {
    int bits = Float.floatToIntBits(f == 0f ? 0f : f); // -0 and 0 tie
    return bits >= 0 ? bits : bits ^ 0x7fffffff;
  }
}
