package io.infnet.model.train;

import io.infnet.config.choices.OptimizerKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam, AdamW (decoupled weight decay) and Adagrad on plain float arrays: exact, deterministic, and its state is a
 * set of named float arrays that checkpoints write like weights. Weight decay skips biases and LayerNorm gains.
 */
final class Optimizer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPSILON = 1e-8;
  private static final double ADAGRAD_EPSILON = 1e-10;
  private final OptimizerKind kind;
  private final double weightDecay;
  private final Map<String, float[]> state = new LinkedHashMap<>(); // "<slot>/<parameter>" -> values

  Optimizer(OptimizerKind kind, double weightDecay) {
    this.kind = kind;
    this.weightDecay = weightDecay;
  }

  /**
   * Updates {@code weights} in place.
   *
   * @param gradient the raw gradient; the effective one is gradient × scale (mean over rows, clipped)
   * @param step     1-based optimizer step (bias correction)
   */
  void update(String name, float[] weights, float[] gradient, double scale, double lr, long step) {
    double decay = decays(name) ? weightDecay : 0;
    switch (kind) {
      case ADAM, ADAMW -> adam(name, weights, gradient, scale, lr, step, decay, kind == OptimizerKind.ADAMW);
      case ADAGRAD -> adagrad(name, weights, gradient, scale, lr, decay);
    }
  }

  private void adam(String name, float[] w, float[] g, double scale, double lr, long step, double decay, boolean decoupled) {
    float[] m = slot("m", name, w.length);
    float[] v = slot("v", name, w.length);
    double correction1 = 1 - Math.pow(BETA1, step);
    double correction2 = 1 - Math.pow(BETA2, step);
    double shrink = decoupled ? 1 - lr * decay : 1;
    double l2 = decoupled ? 0 : decay;
    for (int i = 0; i < w.length; i++) {
      double grad = g[i] * scale + l2 * w[i];
      m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * grad);
      v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * grad * grad);
      double mHat = m[i] / correction1;
      double vHat = v[i] / correction2;
      w[i] = (float) (w[i] * shrink - lr * mHat / (Math.sqrt(vHat) + ADAM_EPSILON));
    }
  }

  private void adagrad(String name, float[] w, float[] g, double scale, double lr, double decay) {
    float[] sum = slot("sum", name, w.length);
    for (int i = 0; i < w.length; i++) {
      double grad = g[i] * scale + decay * w[i];
      sum[i] = (float) (sum[i] + grad * grad);
      w[i] = (float) (w[i] - lr * grad / (Math.sqrt(sum[i]) + ADAGRAD_EPSILON));
    }
  }

  private static boolean decays(String name) {
    return !(name.endsWith("bias") || name.endsWith("gain"));
  }

  private float[] slot(String slot, String name, int size) {
    return state.computeIfAbsent(slot + "/" + name, k -> new float[size]);
  }

  /** The state arrays by "slot/parameter" (live: checkpoints copy them out). */
  Map<String, float[]> state() {
    return state;
  }

  void loadState(Map<String, float[]> saved) {
    state.clear();
    saved.forEach((k, v) -> state.put(k, v.clone()));
  }
}
