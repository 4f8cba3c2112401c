package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/** Dense layers with ReLU and dropout after each (the last included): bottoms, experts and deep parts of baselines. */
public final class Mlp extends Module {
  private final List<Dense> layers = new ArrayList<>();
  private final double dropout;
  private final int outputs;

  public Mlp(int inputs, int[] widths, double dropout) {
    this.dropout = dropout;
    int in = inputs;
    for (int i = 0; i < widths.length; i++) {
      layers.add(child("layer_" + i, new Dense(in, widths[i])));
      in = widths[i];
    }
    this.outputs = in;
  }

  public int outputs() {
    return outputs;
  }

  public NDArray apply(Pass pass, NDArray x) {
    NDArray h = x;
    for (Dense layer : layers) h = Ops.dropout(pass, Ops.relu(layer.apply(pass, h)), dropout);
    return h;
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
