package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PGU(X, X̃) = X ⊙ σ(MLP(flatten(X̃))): one d-wide channel gate per sample, computed from the ñ proxies and
 * broadcast over every token of X, so its cost does not grow with the number of tokens.
 * MLP = Linear(ñ·d → h) → ReLU → dropout → Linear(h → d), h = model.pgu_hidden (default 2d; docs/MODEL.md).
 */
public final class ProxyGatedUnit extends Module {
  private final int proxies;
  private final int dim;
  private final double dropout;
  private final Dense hidden;
  private final Dense gate;

  public ProxyGatedUnit(int proxies, int dim, int hidden, double dropout) {
    this.proxies = proxies;
    this.dim = dim;
    this.dropout = dropout;
    this.hidden = child("hidden", new Dense(proxies * dim, hidden));
    this.gate = child("gate", new Dense(hidden, dim));
  }

  /** @param x tokens (B, n, d); @param proxyTokens (B, ñ, d); @return (B, n, d) */
  public NDArray apply(Pass pass, NDArray x, NDArray proxyTokens) {
    NDArray flat = proxyTokens.reshape(proxyTokens.getShape().get(0), (long) proxies * dim);
    NDArray h = Ops.dropout(pass, Ops.relu(hidden.apply(pass, flat)), dropout);
    NDArray g = Ops.sigmoid(gate.apply(pass, h));
    pass.probe().tokens("gate", g);
    return x.mul(g.expandDims(1));
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(new Pass(store, training), inputs.get(0), inputs.get(1)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
