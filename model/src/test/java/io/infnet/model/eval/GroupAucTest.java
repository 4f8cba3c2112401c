package io.infnet.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GroupAucTest {
  @Test
  void averagesPerUserAucOverUsersWithBothClassesWithEqualWeight() {
    // user 1 ranked perfectly (AUC 1), user 2 inverted (AUC 0), user 3 only positives (skipped), user 4 tied (0.5)
    float[] scores = {0.9f, 0.1f, 0.2f, 0.8f, 0.5f, 0.6f, 0.3f, 0.3f, 0.7f};
    float[] labels = {1, 0, 1, 0, 1, 1, 1, 0, 0};
    long[] users = {1, 1, 2, 2, 3, 3, 4, 4, 1};
    double[] g = Metrics.groupAuc(scores, labels, users, scores.length);
    assertEquals(3, g[1], "users with both classes");
    assertEquals((1.0 + 0.0 + 0.5) / 3, g[0], 1e-12);
  }

  @Test
  void noUserWithBothClassesIsNaN() {
    double[] g = Metrics.groupAuc(new float[] {0.1f, 0.2f}, new float[] {1, 1}, new long[] {1, 2}, 2);
    assertEquals(0, g[1]);
    assertEquals(Double.NaN, g[0]);
  }
}
