package io.infnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.model.data.Batch;
import io.infnet.model.nn.Module.NamedParameter;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Each ablation switch removes exactly its part: parameters (by name and count) and a change of the outputs. */
class AblationTest {
  private final Batch batch = Synthetic.batch(Synthetic.schema(), 16, new Random(8));

  private static Map<String, Long> parameterSizes(ModelSpec spec) {
    try (NetworkModel model = (NetworkModel) Models.create(spec, 1)) {
      Map<String, Long> sizes = new TreeMap<>();
      for (NamedParameter p : model.parameters().values()) sizes.put(p.name(), p.shape().size());
      return sizes;
    }
  }

  private static long total(Map<String, Long> sizes) {
    return sizes.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<String, Long> without(Map<String, Long> sizes, Predicate<String> removed) {
    Map<String, Long> out = new TreeMap<>(sizes);
    out.keySet().removeIf(removed);
    return out;
  }

  private float[][] predictions(ModelSpec spec) {
    try (RankingModel model = Models.create(spec, 1)) {
      return model.predict(batch);
    }
  }

  private void assertOutputsChangeButStayValid(ModelSpec base, ModelSpec ablated) {
    float[][] a = predictions(base);
    float[][] b = predictions(ablated);
    assertFalse(Arrays.deepEquals(a, b), "the switch must change the outputs");
    for (float[] row : b) for (float p : row) assertTrue(p > 0 && p < 1);
    // and not collapse to one prediction for every sample
    assertTrue(Arrays.stream(b).anyMatch(row -> row[0] != b[0][0]), "predictions must still depend on the sample");
  }

  @Test
  void lastBlockHoldsOnlyTheLivePartsOfTheTaskTokens() {
    Map<String, Long> sizes = parameterSizes(Synthetic.spec());
    assertTrue(sizes.keySet().stream().filter(n -> n.startsWith("block_1.")).allMatch(
        n -> n.startsWith("block_1.task_")), "the last block builds only T̃', T̂ and T': " + sizes.keySet());
    assertTrue(sizes.containsKey("block_0.cat_proxy_from_seq.query.weight"));
    assertTrue(sizes.containsKey("block_1.task_from_seq.query.weight"));
  }

  @Test
  void heterogeneousFlowOffRemovesExactlyTheCrossAttentions() {
    ModelSpec base = Synthetic.spec();
    ModelSpec ablated = base.with("model.heterogeneous_flow=false");
    Map<String, Long> full = parameterSizes(base);
    Map<String, Long> expected = without(full, n -> n.contains("_from_"));
    assertEquals(expected, parameterSizes(ablated));
    assertTrue(total(expected) < total(full));
    assertOutputsChangeButStayValid(base, ablated);
  }

  @Test
  void homogeneousFlowOffRemovesThePgusAndTheProxiesThatThenReachNothing() {
    ModelSpec base = Synthetic.spec();
    ModelSpec ablated = base.with("model.homogeneous_flow=false");
    Map<String, Long> full = parameterSizes(base);
    Map<String, Long> expected = without(full, n -> n.contains("_gate") || n.contains("proxy") || n.startsWith("shared_task_tokens"));
    assertEquals(expected, parameterSizes(ablated));
    assertTrue(total(expected) < total(full));
    assertOutputsChangeButStayValid(base, ablated);
  }

  @Test
  void taskTokensOffRemovesEveryTaskTokenPart() {
    ModelSpec base = Synthetic.spec();
    ModelSpec ablated = base.with("model.task_tokens=false");
    Map<String, Long> sizes = parameterSizes(ablated);
    assertTrue(sizes.keySet().stream().noneMatch(n -> n.contains("task_") || n.contains("_task")), sizes.keySet().toString());
    assertTrue(sizes.containsKey("block_1.cat_proxy_norm.gain"), "the towers now read the last block's proxies");
    assertTrue(total(sizes) < total(parameterSizes(base)));
    assertOutputsChangeButStayValid(base, ablated);
  }

  @Test
  void proxyCountsAndSharedKeyValuesChangeTheParameterCountAsExpected() {
    ModelSpec base = Synthetic.spec();
    int d = base.dim();
    int fields = base.schema().fields().size();
    long four = total(parameterSizes(base));
    long eight = total(parameterSizes(base.with("model.cat_proxies=8")));
    // φ_cat grows by 4·d outputs (weights M·d·4d + bias 4d); the PGU of C in block 0 reads 4 more proxies (4d·2d)
    assertEquals((long) fields * d * 4 * d + 4L * d + 4L * d * 2 * d, eight - four);
    long shared = total(parameterSizes(base.with("model.share_kv=true")));
    assertTrue(shared < four);
    assertOutputsChangeButStayValid(base, base.with("model.seq_proxy_pool=sum"));
    assertOutputsChangeButStayValid(base, base.with("model.pgu_proxies=input"));
  }
}
