package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The key and value projections of a cross-attention (owned by one call, or shared by all calls reading the same
 * source type when model.share_kv=true). The key projection has no bias: a key bias adds the same q·b to every
 * score of a query, which softmax cancels.
 */
public final class KeyValueProjection extends Module {
  final Parameter key;
  final Parameter value;
  final Parameter valueBias;
  private final int dim;

  public KeyValueProjection(int dim) {
    this.dim = dim;
    this.key = parameter("key", Init.xavier(dim, dim), dim, dim);
    this.value = parameter("value", Init.xavier(dim, dim), dim, dim);
    this.valueBias = parameter("value_bias", Init.zeros(), dim);
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    // The direct projections of the source tokens (CrossAttention folds them into its queries instead).
    Pass pass = new Pass(store, training);
    NDArray x = inputs.singletonOrThrow();
    NDArray keys = pass.precision().matMul(x, pass.value(key).transpose());
    NDArray values = pass.precision().linear(x, pass.value(value), pass.value(valueBias));
    return new NDList(keys, values);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {in, in};
  }

  int dim() {
    return dim;
  }
}
