package io.infnet.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.infnet.config.choices.OptimizerKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam, AdamW (decoupled weight decay) and Adagrad on the model's device: the state (Adam's m and v, Adagrad's sums)
 * are tensors beside the weights, and each parameter's update is native (libtorch's in-place ops through DJL's
 * {@code adamUpdate}; Adagrad as in-place NDArray ops), so nothing crosses to Java during a step. Weight decay skips
 * biases and LayerNorm gains. Checkpoints copy the state out by "slot/parameter" ({@link #state()}).
 *
 * <p>Numerics: the update runs in float32 (the former Java optimizer computed each element in double and rounded to
 * float), so weights may differ in the last bits from step one; ε is scaled by √(1−β₂ᵗ) because the native kernel
 * adds it to the uncorrected √v, which makes the update the same formula, m̂ / (√v̂ + ε).
 */
final class Optimizer implements AutoCloseable {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPSILON = 1e-8;
  private static final double ADAGRAD_EPSILON = 1e-10;
  private static final float NO_VALUE_CLIP = -1f; // adamUpdate's element clip; the trainer clips the global norm
  private final OptimizerKind kind;
  private final double weightDecay;
  private final NDManager manager;
  private final Map<String, NDArray> state = new LinkedHashMap<>(); // "<slot>/<parameter>" -> on the model's device

  Optimizer(OptimizerKind kind, double weightDecay, NDManager modelManager) {
    this.kind = kind;
    this.weightDecay = weightDecay;
    this.manager = modelManager.newSubManager();
  }

  /**
   * Updates {@code weights} in place, on their device; call with autograd off.
   *
   * @param gradient the raw gradient; the effective one is gradient × scale (mean over rows, clipped)
   * @param step     1-based optimizer step (bias correction)
   */
  void update(String name, NDArray weights, NDArray gradient, double scale, double lr, long step) {
    double decay = decays(name) ? weightDecay : 0;
    switch (kind) {
      case ADAM, ADAMW -> adam(name, weights, gradient, scale, lr, step, decay, kind == OptimizerKind.ADAMW);
      case ADAGRAD -> adagrad(name, weights, gradient, scale, lr, decay);
    }
  }

  private void adam(String name, NDArray w, NDArray g, double scale, double lr, long step, double decay, boolean decoupled) {
    double correction1 = 1 - Math.pow(BETA1, step);
    double correction2 = 1 - Math.pow(BETA2, step);
    // w -= lr·m̂/(√v̂ + ε)  ==  w -= [lr·√c2/c1]·m/(√v + ε·√c2), the kernel's form
    float lrCorrected = (float) (lr * Math.sqrt(correction2) / correction1);
    float epsilon = (float) (ADAM_EPSILON * Math.sqrt(correction2));
    JniUtils.adamUpdate((PtNDArray) w, (PtNDArray) g, (PtNDArray) slot("m", name, w), (PtNDArray) slot("v", name, w),
        (float) lr, lrCorrected, (float) decay, (float) scale, NO_VALUE_CLIP, (float) BETA1, (float) BETA2, epsilon, decoupled);
  }

  private void adagrad(String name, NDArray w, NDArray g, double scale, double lr, double decay) {
    NDArray sum = slot("sum", name, w);
    try (NDScope ignored = new NDScope()) {
      NDArray grad = g.mul(scale);
      if (decay != 0) grad = grad.add(w.mul(decay));
      sum.addi(grad.square());
      w.subi(grad.mul(lr).div(sum.sqrt().add(ADAGRAD_EPSILON)));
    }
  }

  private static boolean decays(String name) {
    return !(name.endsWith("bias") || name.endsWith("gain"));
  }

  private NDArray slot(String slot, String name, NDArray like) {
    return state.computeIfAbsent(slot + "/" + name, k -> keep(manager.zeros(like.getShape(), like.getDataType(), like.getDevice())));
  }

  /** Out of any enclosing scope: the state lives as long as the optimizer. */
  private static NDArray keep(NDArray array) {
    NDScope.unregister(array);
    return array;
  }

  /** The state tensors by "slot/parameter", on the device (for the placement check). */
  Map<String, NDArray> tensors() {
    return Collections.unmodifiableMap(state);
  }

  /** A host copy of the state by "slot/parameter" (flat values), for a checkpoint. */
  Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    state.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  /** Replaces the state with a checkpoint's; {@code shapes} gives each parameter's shape by name. */
  void loadState(Map<String, float[]> saved, Map<String, long[]> shapes) {
    state.values().forEach(NDArray::close);
    state.clear();
    saved.forEach((k, v) -> {
      String parameter = k.substring(k.indexOf('/') + 1);
      long[] shape = shapes.get(parameter);
      if (shape == null) throw new IllegalArgumentException("optimizer state '" + k + "' names no parameter of this model");
      state.put(k, keep(manager.create(v, new ai.djl.ndarray.types.Shape(shape))));
    });
  }

  @Override
  public void close() {
    manager.close();
  }
}
