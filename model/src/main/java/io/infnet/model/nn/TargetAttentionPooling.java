package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * DIN-style target attention of the baselines: each event e of a history is scored against the target item t by
 * MLP([e, t, e−t, e⊙t]) (4d → d → 1, ReLU); the history is the softmax-weighted sum over real events. Softmax
 * (instead of DIN's raw weights) keeps the scale fixed; an empty history gives 0.
 */
public final class TargetAttentionPooling extends Module {
  private final Dense hidden;
  private final Dense score;
  private final int dim;

  public TargetAttentionPooling(int dim) {
    this.dim = dim;
    this.hidden = child("hidden", new Dense(4 * dim, dim));
    this.score = child("score", new Dense(dim, 1));
  }

  /** @param events (B, n, d); @param mask (B, n); @param target (B, d); @return (B, d) */
  public NDArray apply(Pass pass, NDArray events, NDArray mask, NDArray target) {
    NDArray t = target.expandDims(1).broadcast(events.getShape());
    NDArray features = Ops.concat(java.util.List.of(events, t, events.sub(t), events.mul(t)), 2);
    NDArray scores = score.apply(pass, Ops.relu(hidden.apply(pass, features))).squeeze(2);       // (B, n)
    NDArray weights = pass.precision().full(scores).add(mask.sub(1f).mul(1e9f)).softmax(-1).mul(mask); // padding -> 0
    return pass.precision().matMul(weights.expandDims(1), events).squeeze(1);
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(new Pass(store, training), inputs.get(0), inputs.get(1), inputs.get(2)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), dim)};
  }
}
