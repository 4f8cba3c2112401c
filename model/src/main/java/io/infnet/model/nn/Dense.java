package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** y = x Wᵀ + b over the last axis; W is (out, in) as in PyTorch's Linear. */
public final class Dense extends Module {
  private final int outputs;
  private final Parameter weight;
  private final Parameter bias;

  public Dense(int inputs, int outputs) {
    this.outputs = outputs;
    this.weight = parameter("weight", Init.xavier(inputs, outputs), outputs, inputs);
    this.bias = parameter("bias", Init.zeros(), outputs);
  }

  public NDArray apply(Pass pass, NDArray x) {
    return pass.precision().linear(x, pass.value(weight), pass.value(bias));
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(new Pass(store, training), inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {in.slice(0, in.dimension() - 1).add(outputs)};
  }
}
