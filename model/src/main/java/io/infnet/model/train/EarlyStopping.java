package io.infnet.model.train;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Early stopping on a per-epoch score (the mean validation AUC): keeps the best epoch's score, AUCs and weights,
 * and says when {@code patience} epochs went by without a better one. One rule for the single-JVM loop and the
 * distributed workers; its state is restorable from a checkpoint.
 */
public final class EarlyStopping {
  private final int patience;
  private double bestScore = Double.NEGATIVE_INFINITY;
  private int bestEpoch;
  private Map<String, Double> bestAuc = Map.of();
  private Map<String, float[]> bestWeights;

  public EarlyStopping(int patience) {
    this.patience = patience;
  }

  /** Records an epoch; the weights are copied only when it is the best so far. Returns true when training should stop. */
  public boolean update(int epoch, double score, Map<String, Double> auc, Supplier<Map<String, float[]>> weights) {
    if (score > bestScore || bestWeights == null) {
      bestScore = score;
      bestEpoch = epoch;
      bestAuc = auc;
      bestWeights = weights.get();
      return false;
    }
    return epoch - bestEpoch >= patience;
  }

  /** Continues from a checkpointed state ({@code bestWeights} null = no epoch finished yet). */
  public void restore(double bestScore, int bestEpoch, Map<String, Double> bestAuc, Map<String, float[]> bestWeights) {
    this.bestScore = bestScore;
    this.bestEpoch = bestEpoch;
    this.bestAuc = bestAuc;
    this.bestWeights = bestWeights;
  }

  public double bestScore() {
    return bestScore;
  }

  public int bestEpoch() {
    return bestEpoch;
  }

  public Map<String, Double> bestAuc() {
    return bestAuc;
  }

  /** The best epoch's weights, or null before any epoch finished. */
  public Map<String, float[]> bestWeights() {
    return bestWeights;
  }
}
