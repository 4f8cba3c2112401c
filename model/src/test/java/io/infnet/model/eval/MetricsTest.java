package io.infnet.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void aucCountsCorrectlyOrderedPairs() {
    assertEquals(1.0, Metrics.auc(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, new float[] {0, 0, 1, 1}, 4));
    assertEquals(0.0, Metrics.auc(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, new float[] {0, 0, 1, 1}, 4));
    // pairs (pos, neg): (0.5,0.1) ok, (0.5,0.7) wrong, (0.9,0.1) ok, (0.9,0.7) ok -> 3/4
    assertEquals(0.75, Metrics.auc(new float[] {0.1f, 0.5f, 0.7f, 0.9f}, new float[] {0, 1, 0, 1}, 4), 1e-12);
  }

  @Test
  void tiesCountHalf() {
    assertEquals(0.5, Metrics.auc(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, new float[] {0, 1, 0, 1}, 4), 1e-12);
    // one tie across classes among 4 pairs: (0.5 vs 0.5) = 0.5, others correct
    assertEquals(0.875, Metrics.auc(new float[] {0.1f, 0.5f, 0.5f, 0.9f}, new float[] {0, 0, 1, 1}, 4), 1e-12);
  }

  @Test
  void undefinedWhenOneClassIsAbsentAndUsesOnlyTheFirstN() {
    assertTrue(Double.isNaN(Metrics.auc(new float[] {0.1f, 0.2f}, new float[] {1, 1}, 2)));
    assertTrue(Double.isNaN(Metrics.auc(new float[] {0.1f, 0.2f, 0.3f}, new float[] {1, 1, 0}, 2)));
    assertTrue(Double.isNaN(Metrics.logloss(new float[0], new float[0], 0)));
  }

  @Test
  void loglossIsMeanCrossEntropyClamped() {
    assertEquals(-(Math.log(0.8) + Math.log(0.6)) / 2, Metrics.logloss(new float[] {0.8f, 0.4f}, new float[] {1, 0}, 2), 1e-6);
    assertTrue(Double.isFinite(Metrics.logloss(new float[] {0f, 1f}, new float[] {1, 0}, 2)));
  }
}
