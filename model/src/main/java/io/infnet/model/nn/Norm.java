package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** LayerNorm over the last axis (width d), with learned gain and bias. */
public final class Norm extends Module {
  private static final float EPSILON = 1e-5f;
  private final Shape normalized;
  private final Parameter gain;
  private final Parameter bias;

  public Norm(int width) {
    this.normalized = new Shape(width);
    this.gain = parameter("gain", Init.ones(), width);
    this.bias = parameter("bias", Init.zeros(), width);
  }

  /** In fp32 whatever the pass's precision (a bf16 input is cast up first), as under autocast. */
  public NDArray apply(Pass pass, NDArray x) {
    NDArray in = pass.precision().full(x);
    return in.getNDArrayInternal().layerNorm(in, normalized, pass.value(gain), pass.value(bias), EPSILON).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(new Pass(store, training), inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
