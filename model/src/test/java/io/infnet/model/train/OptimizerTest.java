package io.infnet.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.infnet.config.choices.OptimizerKind;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.Synthetic;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The device optimizer against the per-element reference formulas (computed here in double). */
class OptimizerTest {
  private static final int SIZE = 64;
  private static final int STEPS = 5;

  @Test
  void adamMatchesTheReferenceFormula() {
    assertMatchesReference(OptimizerKind.ADAM, "layer.weight", 0.01);
  }

  @Test
  void adamwDecaysWeightsDecoupledButNotBiases() {
    assertMatchesReference(OptimizerKind.ADAMW, "layer.weight", 0.1);
    assertMatchesReference(OptimizerKind.ADAMW, "layer.bias", 0.1);
  }

  @Test
  void adagradMatchesTheReferenceFormula() {
    assertMatchesReference(OptimizerKind.ADAGRAD, "layer.weight", 0.01);
  }

  @Test
  void stateRoundTripsThroughItsHostCopy() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
         Optimizer optimizer = new Optimizer(OptimizerKind.ADAM, 0, manager)) {
      NDArray w = manager.create(values(1));
      optimizer.update("p", w, manager.create(values(2)), 1, 0.01, 1);
      Map<String, float[]> saved = optimizer.state();
      assertEquals(java.util.Set.of("m/p", "v/p"), saved.keySet());
      optimizer.loadState(saved, Map.of("p", new long[] {SIZE}));
      assertEquals(saved.get("m/p")[3], optimizer.state().get("m/p")[3], 0.0);
      assertThrows(IllegalArgumentException.class, () -> optimizer.loadState(Map.of("m/q", new float[SIZE]), Map.of("p", new long[] {SIZE})));
    }
  }

  @Test
  void afterAStepEveryTrainingTensorIsOnTheModelsDevice() {
    var spec = Synthetic.spec();
    try (RankingModel model = Models.create(spec, 3); Trainer trainer = new Trainer(model, TrainerTest.options())) {
      trainer.step(TrainerTest.batches(spec, 1, 16, 5).get(0));
      trainer.checkDevicePlacement(); // all on cpu(): passes
      try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> new DevicePlacement(Device.gpu()).check("weight w", cpu.zeros(new ai.djl.ndarray.types.Shape(2))));
        assertTrue(e.getMessage().contains("weight w is on cpu()"), e.getMessage());
      }
    }
  }

  private static void assertMatchesReference(OptimizerKind kind, String name, double decay) {
    float[] w0 = values(1);
    double[] expected = new double[SIZE];
    for (int i = 0; i < SIZE; i++) expected[i] = w0[i];
    double[] m = new double[SIZE], v = new double[SIZE];
    double lr = 0.05, scale = 0.5;
    boolean decays = !name.endsWith("bias");
    try (NDManager manager = NDManager.newBaseManager(Device.cpu()); Optimizer optimizer = new Optimizer(kind, decay, manager)) {
      NDArray w = manager.create(w0);
      for (int step = 1; step <= STEPS; step++) {
        float[] g = values(10 + step);
        optimizer.update(name, w, manager.create(g), scale, lr, step);
        double d = decays ? decay : 0;
        for (int i = 0; i < SIZE; i++) {
          if (kind == OptimizerKind.ADAGRAD) {
            double grad = g[i] * scale + d * expected[i];
            v[i] += grad * grad;
            expected[i] -= lr * grad / (Math.sqrt(v[i]) + 1e-10);
          } else {
            boolean decoupled = kind == OptimizerKind.ADAMW;
            double grad = g[i] * scale + (decoupled ? 0 : d * expected[i]);
            m[i] = 0.9 * m[i] + 0.1 * grad;
            v[i] = 0.999 * v[i] + 0.001 * grad * grad;
            double mHat = m[i] / (1 - Math.pow(0.9, step));
            double vHat = v[i] / (1 - Math.pow(0.999, step));
            expected[i] = expected[i] * (decoupled ? 1 - lr * d : 1) - lr * mHat / (Math.sqrt(vHat) + 1e-8);
          }
        }
      }
      float[] actual = w.toFloatArray();
      for (int i = 0; i < SIZE; i++) assertEquals(expected[i], actual[i], 2e-6 * (1 + Math.abs(expected[i])), kind + " " + name + "[" + i + "]");
      double moved = Math.abs(actual[0] - w0[0]);
      assertTrue(moved > 1e-3, "the weights moved: " + moved);
    }
  }

  private static float[] values(long seed) {
    Random random = new Random(seed);
    float[] out = new float[SIZE];
    for (int i = 0; i < SIZE; i++) out[i] = (float) random.nextGaussian();
    return out;
  }
}
