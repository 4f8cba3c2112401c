package io.infnet.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PleNetworkTest {
  private static final int E = 2;
  private static final int D = 8;                        // Synthetic.spec's model.dim
  private static final int K = 3;                        // tasks
  private static final int X = (7 + 2) * D;              // x: 7 categorical fields + 2 pooled sequences
  private static final int EXPERT_OUT = 4 * D;           // experts are MLPs x -> 8d -> 4d

  private static ModelSpec spec(int levels) {
    return Synthetic.spec("model.type=ple", "model.experts=" + E, "model.ple_levels=" + levels);
  }

  @Test
  void parameterCountsFollowTheLevelFormula() {
    long level0 = (K + 1) * E * mlp(X) + K * dense(X, 2 * E);
    long sharedGate0 = dense(X, (K + 1) * E);
    long level1 = (K + 1) * E * mlp(EXPERT_OUT) + K * dense(EXPERT_OUT, 2 * E);
    assertEquals(level0, levelParameters(spec(1)));
    assertEquals(level0 + sharedGate0 + level1, levelParameters(spec(2)));
  }

  @Test
  void parametersHaveReadableNamesAndOnlyTheLevelsChange() {
    Map<String, Long> one = sizes(new PleNetwork(spec(1)));
    Map<String, Long> two = sizes(new PleNetwork(spec(2)));
    assertTrue(two.containsKey("level_0.shared_gate.weight"));
    assertTrue(two.containsKey("level_0.shared_expert_1.layer_1.bias"));
    assertTrue(two.containsKey("level_1.like_expert_0.layer_0.weight"));
    assertTrue(two.containsKey("level_1.gate_long_view.weight"));
    assertFalse(two.containsKey("level_1.shared_gate.weight"), "the last level has no shared gate");
    assertFalse(one.containsKey("level_0.shared_gate.weight"), "the last level has no shared gate");
    one.keySet().removeIf(name -> name.startsWith("level_"));
    two.keySet().removeIf(name -> name.startsWith("level_"));
    assertEquals(one, two, "tokens, pooling and towers do not depend on the level count");
  }

  @Test
  void aSecondLevelChangesThePredictions() {
    Batch batch = Synthetic.batch(spec(1).schema(), 16, new Random(2));
    // Same seed: level_0 and the towers start equal in both (weights are seeded by name), so only level_1 differs.
    try (RankingModel one = Models.create(spec(1), 1); RankingModel two = Models.create(spec(2), 1)) {
      float[][] a = one.predict(batch);
      float[][] b = two.predict(batch);
      boolean differs = false;
      for (int r = 0; r < a.length; r++) differs |= !Arrays.equals(a[r], b[r]);
      assertTrue(differs, "levels=2 predicts what levels=1 does");
    }
  }

  private static long mlp(int inputs) {
    return dense(inputs, 8 * D) + dense(8 * D, EXPERT_OUT);
  }

  private static long dense(int inputs, int outputs) {
    return (long) inputs * outputs + outputs;
  }

  private static long levelParameters(ModelSpec spec) {
    return sizes(new PleNetwork(spec)).entrySet().stream()
        .filter(e -> e.getKey().startsWith("level_")).mapToLong(Map.Entry::getValue).sum();
  }

  private static Map<String, Long> sizes(Module network) {
    Map<String, Long> out = new TreeMap<>();
    network.namedParameters().forEach((name, p) -> out.put(name, p.shape().size()));
    return out;
  }
}
