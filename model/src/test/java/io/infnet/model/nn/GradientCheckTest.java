package io.infnet.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.infnet.model.ModelSpec;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import io.infnet.model.nn.Module.NamedParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autograd against central finite differences, in float64, at tiny sizes: every parameter tensor of the network
 * (embeddings, proxies φ_cat/φ_seq, every cross-attention, PGU, LayerNorm, towers; PLE's experts and gates) gets a
 * few entries checked.
 */
class GradientCheckTest {
  private static final double EPS = 1e-6;

  @ParameterizedTest
  @ValueSource(strings = {"", "model.seq_proxy_pool=sum,model.pgu_proxies=input,model.share_kv=true",
      "model.task_tokens=false", "model.heterogeneous_flow=false", "model.homogeneous_flow=false,model.embedding_layout=per_field"})
  void gradientsMatchFiniteDifferences(String overrides) {
    assertGradientsMatchFiniteDifferences(new InfnetNetwork(tinySpec(overrides)));
  }

  /** PLE's levels and gates; with 3 levels, level_1's shared gate both reads and feeds another level. */
  @ParameterizedTest
  @ValueSource(strings = {"model.ple_levels=1", "model.ple_levels=3,model.sequence_pooling=mean"})
  void pleGradientsMatchFiniteDifferences(String overrides) {
    assertGradientsMatchFiniteDifferences(new PleNetwork(tinySpec("model.type=ple,model.experts=2," + overrides)));
  }

  /** The synthetic spec at d = 4 and tower width 4, with comma-separated overrides. */
  private static ModelSpec tinySpec(String overrides) {
    List<String> all = new ArrayList<>(List.of("model.dim=4", "model.tower_hidden=4"));
    if (!overrides.isEmpty()) all.addAll(0, List.of(overrides.split(",")));
    return Synthetic.spec(all.toArray(new String[0]));
  }

  private static void assertGradientsMatchFiniteDifferences(RankingNetwork network) {
    Batch batch = Synthetic.batch(network.spec().schema(), 3, new Random(5));
    try (NDManager manager = NDManager.newBaseManager()) {
      network.initializeParameters(manager, 9, DataType.FLOAT64);
      ParameterStore store = new ParameterStore(manager, false);
      ModelInputs inputs = ModelInputs.of(manager, batch);
      NDArray projection = manager.randomNormal(new ai.djl.ndarray.types.Shape(3, 3)).toType(DataType.FLOAT64, false);
      for (NamedParameter p : network.namedParameters().values()) p.parameter().getArray().setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(network.logits(new Pass(store, true), inputs).mul(projection).sum());
      }
      Random pick = new Random(7);
      int checked = 0;
      for (NamedParameter p : network.namedParameters().values()) {
        NDArray weights = p.parameter().getArray();
        double[] analytic = weights.getGradient().toDoubleArray();
        boolean anyNonZero = false;
        for (double g : analytic) anyNonZero |= g != 0;
        // a bias added to every score before a softmax shifts them all alike: its gradient is 0 up to rounding
        // (exactly 0 for some draws of the projection), so only the finite differences below check it
        if (!p.name().endsWith("score.bias")) assertTrue(anyNonZero, p.name() + " gets no gradient: a dead part was built");
        for (int trial = 0; trial < 2; trial++) {
          int index = pick.nextInt(analytic.length);
          double numeric = (loss(network, store, inputs, projection, weights, index, EPS)
              - loss(network, store, inputs, projection, weights, index, -EPS)) / (2 * EPS);
          assertEquals(numeric, analytic[index], 1e-6 + 1e-4 * Math.abs(numeric), p.name() + "[" + index + "]");
          checked++;
        }
      }
      assertTrue(checked > 20);
    }
  }

  private static double loss(RankingNetwork network, ParameterStore store, ModelInputs inputs, NDArray projection,
                             NDArray weights, int index, double delta) {
    double[] values = weights.toDoubleArray();
    double original = values[index];
    values[index] = original + delta;
    weights.set(java.nio.DoubleBuffer.wrap(values));
    double loss = network.logits(new Pass(store, false), inputs).mul(projection).sum().getDouble();
    values[index] = original;
    weights.set(java.nio.DoubleBuffer.wrap(values));
    return loss;
  }
}
