package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * CA(Q, KV): multi-head scaled dot-product attention of a few queries over n source tokens, with a key padding
 * mask and an output projection.
 *
 * <p>{@link #apply} uses the exact rewrite described in docs/MODEL.md ("Cost"): instead of projecting all n keys
 * and values, it folds W_K into the queries and W_V after pooling, per head h:
 * scores = ((Q W_Q^h) W_K^hᵀ) Kᵀ and softmax(scores)·(K W_V^h) = (softmax(scores)·K) W_V^h.
 * {@link #applyDirect} is the textbook form; both agree to float tolerance (tested).
 *
 * <p>Padded keys get a -1e9 score bias and their probabilities are then zeroed, so a query whose keys are all
 * padding reads exactly 0 (plus nothing of the padding), never NaN.
 */
public final class CrossAttention extends Module {
  private static final float MASKED_SCORE = -1e9f;
  private final int heads;
  private final int dim;
  private final Dense query;
  private final KeyValueProjection keyValue;
  private final Dense output;

  /** @param sharedKeyValue null = this call owns its K/V projection; else the shared one of its source type */
  public CrossAttention(int dim, int heads, KeyValueProjection sharedKeyValue) {
    this.dim = dim;
    this.heads = heads;
    this.query = child("query", new Dense(dim, dim));
    this.keyValue = sharedKeyValue != null ? sharedKeyValue : child("kv", new KeyValueProjection(dim));
    this.output = child("output", new Dense(dim, dim));
  }

  /**
   * @param q    queries (B, nq, d)
   * @param keys source tokens (B, n, d)
   * @param mask (B, n) 1 = real token, 0 = padding; null = all real
   * @return (B, nq, d)
   */
  public NDArray apply(Pass pass, NDArray q, NDArray keys, NDArray mask) {
    long batch = q.getShape().get(0);
    long queryCount = q.getShape().get(1);
    int headDim = dim / heads;
    Autocast ac = pass.precision();
    // Per head h: (q_h W_K^h) — one bmm over heads, the weights never broadcast over the batch.
    NDArray perHeadQueries = query.apply(pass, q).reshape(batch * queryCount, heads, headDim).transpose(1, 0, 2); // (H,B·nq,dh)
    NDArray keyWeight = pass.value(keyValue.key).reshape(heads, headDim, dim);                                      // (H,dh,d)
    NDArray foldedQueries = ac.matMul(perHeadQueries, keyWeight)                                                      // (H,B·nq,d)
        .reshape(heads, batch, queryCount, dim).transpose(1, 0, 2, 3).reshape(batch, heads * queryCount, dim);    // (B,H·nq,d)
    NDArray scores = Ops.scale(ac.matMul(foldedQueries, keys.transpose(0, 2, 1)), 1.0 / Math.sqrt(headDim));             // (B,H·nq,n)
    NDArray probs = maskedSoftmax(ac.full(scores), mask, batch);
    pass.probe().attention("ca", probs, mask);
    NDArray pooled = ac.matMul(probs, keys)                                                                         // (B,H·nq,d)
        .reshape(batch, heads, queryCount, dim).transpose(1, 0, 2, 3).reshape(heads, batch * queryCount, dim);    // (H,B·nq,d)
    NDArray valueWeight = pass.value(keyValue.value).reshape(heads, headDim, dim).transpose(0, 2, 1);             // (H,d,dh)
    NDArray perHead = ac.matMul(pooled, valueWeight);                                                                // (H,B·nq,dh)
    // Σ probs is 1, or 0 for an all-padding row: the value bias then vanishes too, as in the direct form.
    NDArray probMass = probs.sum(new int[] {2}, true).reshape(batch, heads, queryCount, 1).transpose(1, 0, 2, 3)
        .reshape(heads, batch * queryCount, 1);
    NDArray valueBias = pass.value(keyValue.valueBias).reshape(heads, 1, headDim);
    NDArray merged = perHead.add(probMass.mul(valueBias))
        .reshape(heads, batch, queryCount, headDim).transpose(1, 2, 0, 3).reshape(batch, queryCount, dim);
    return output.apply(pass, merged);
  }

  /** The direct form (projects every key and value): the reference {@link #apply} must match. */
  public NDArray applyDirect(Pass pass, NDArray q, NDArray keys, NDArray mask) {
    long batch = q.getShape().get(0);
    int headDim = dim / heads;
    Autocast ac = pass.precision();
    NDArray queries = splitHeads(query.apply(pass, q));                                 // (B,H,nq,dh)
    NDArray projectedKeys = ac.matMul(keys, pass.value(keyValue.key).transpose());       // (B,n,d)
    NDArray projectedValues = ac.linear(keys, pass.value(keyValue.value), pass.value(keyValue.valueBias));
    NDArray keysT = splitHeads(projectedKeys).transpose(0, 1, 3, 2);                     // (B,H,dh,n)
    long queryCount = q.getShape().get(1);
    NDArray scores = Ops.scale(ac.matMul(queries, keysT), 1.0 / Math.sqrt(headDim)).reshape(batch, heads * queryCount, -1);
    NDArray probs = maskedSoftmax(ac.full(scores), mask, batch).reshape(batch, heads, queryCount, -1);
    return output.apply(pass, mergeHeads(ac.matMul(probs, splitHeads(projectedValues)), batch));
  }

  /** Softmax over the last axis of fp32 scores (B, queries, n), padded keys excluded. */
  private NDArray maskedSoftmax(NDArray scores, NDArray mask, long batch) {
    if (mask == null) return scores.softmax(-1);
    NDArray keep = mask.reshape(batch, 1, -1);
    return scores.add(keep.sub(1f).mul(-MASKED_SCORE)).softmax(-1).mul(keep);
  }

  /** (B, n, d) -> (B, H, n, d/H). */
  private NDArray splitHeads(NDArray x) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), heads, dim / heads).transpose(0, 2, 1, 3);
  }

  /** (B, H, n, d/H) -> (B, n, d). */
  private NDArray mergeHeads(NDArray x, long batch) {
    return x.transpose(0, 2, 1, 3).reshape(batch, -1, dim);
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray mask = inputs.size() > 2 ? inputs.get(2) : null;
    return new NDList(apply(new Pass(store, training), inputs.get(0), inputs.get(1), mask));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
