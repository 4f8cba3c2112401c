package io.infnet.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
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
 *
 * <p>Row-wise ({@link #updateRows}, train.embedding_update = rows): the same formulas on the touched rows of a table
 * and of its state only, gathered, updated and written back. Adam and AdamW are then lazy: an untouched row keeps its
 * weights and its moments (they are not decayed by β₁, β₂ as a dense step with a zero gradient would do, and it gets
 * no momentum-driven move nor weight decay); bias correction follows the global step. So rows touched at every step
 * follow dense Adam exactly, others do not. Adagrad is exact: a zero gradient changes neither a row nor its sum —
 * with train.weight_decay 0; with decay, dense Adagrad adds decay·w to untouched rows' gradients, row-wise does not.
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
    apply(name, weights, gradient, stateOf(name, weights), scale, lr, step);
  }

  /**
   * Updates only rows {@code rows} (int64, distinct) of the table {@code weights} and of its state, in place;
   * {@code gradient} holds those rows' gradients (U×d). Cost O(U·d), whatever the table's row count.
   */
  void updateRows(String name, NDArray weights, NDArray rows, NDArray gradient, double scale, double lr, long step) {
    NDIndex at = new NDIndex("{}", rows);
    NDArray[] state = stateOf(name, weights);
    NDArray[] touchedState = new NDArray[state.length];
    for (int i = 0; i < state.length; i++) touchedState[i] = state[i].get(at);
    NDArray touched = weights.get(at);
    apply(name, touched, gradient, touchedState, scale, lr, step);
    weights.set(at, touched);
    for (int i = 0; i < state.length; i++) state[i].set(at, touchedState[i]);
  }

  private void apply(String name, NDArray weights, NDArray gradient, NDArray[] state, double scale, double lr, long step) {
    double decay = WeightDecay.appliesTo(name) ? weightDecay : 0;
    switch (kind) {
      case ADAM, ADAMW -> adam(weights, gradient, state[0], state[1], scale, lr, step, decay, kind == OptimizerKind.ADAMW);
      case ADAGRAD -> adagrad(weights, gradient, state[0], scale, lr, decay);
    }
  }

  /** The state tensors of a parameter, created as zeros at its first update: Adam's m, v; Adagrad's sum. */
  private NDArray[] stateOf(String name, NDArray weights) {
    return switch (kind) {
      case ADAM, ADAMW -> new NDArray[] {slot("m", name, weights), slot("v", name, weights)};
      case ADAGRAD -> new NDArray[] {slot("sum", name, weights)};
    };
  }

  private static void adam(NDArray w, NDArray g, NDArray m, NDArray v, double scale, double lr, long step, double decay, boolean decoupled) {
    double correction1 = 1 - Math.pow(BETA1, step);
    double correction2 = 1 - Math.pow(BETA2, step);
    // w -= lr·m̂/(√v̂ + ε)  ==  w -= [lr·√c2/c1]·m/(√v + ε·√c2), the kernel's form
    float lrCorrected = (float) (lr * Math.sqrt(correction2) / correction1);
    float epsilon = (float) (ADAM_EPSILON * Math.sqrt(correction2));
    JniUtils.adamUpdate((PtNDArray) w, (PtNDArray) g, (PtNDArray) m, (PtNDArray) v,
        (float) lr, lrCorrected, (float) decay, (float) scale, NO_VALUE_CLIP, (float) BETA1, (float) BETA2, epsilon, decoupled);
  }

  private static void adagrad(NDArray w, NDArray g, NDArray sum, double scale, double lr, double decay) {
    try (NDScope ignored = new NDScope()) {
      NDArray grad = g.mul(scale);
      if (decay != 0) grad = grad.add(w.mul(decay));
      sum.addi(grad.square());
      w.subi(grad.mul(lr).div(sum.sqrt().add(ADAGRAD_EPSILON)));
    }
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
