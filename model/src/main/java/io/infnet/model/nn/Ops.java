package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;

/** Stateless tensor helpers shared by the models. */
public final class Ops {
  private Ops() {}

  /**
   * x · factor, through a scalar tensor that stays open until the caller's scope closes. DJL's {@code mul(Number)}
   * closes its scalar right after the op, but autograd saves that scalar for the backward pass and reads its
   * (by then possibly collected) memory: gradients came out 0 or NaN at random. Never use a Number operand on a
   * path that needs gradients.
   */
  public static NDArray scale(NDArray x, double factor) {
    return x.mul(x.getManager().create((float) factor));
  }

  public static NDArray relu(NDArray x) {
    return x.getNDArrayInternal().relu();
  }

  public static NDArray sigmoid(NDArray x) {
    return x.getNDArrayInternal().sigmoid();
  }

  /** Inverted dropout; identity outside training. Randomness comes from the engine's seeded generator. */
  public static NDArray dropout(Pass pass, NDArray x, double rate) {
    if (!pass.training() || rate <= 0) return x;
    return x.getNDArrayInternal().dropout(x, (float) rate, true).singletonOrThrow();
  }

  /**
   * Mean over axis 1 of x (B, n, d) counting only positions where mask (B, n) is 1; null mask = plain mean.
   * A row with no valid position gives zeros (never NaN): the count is clamped to 1.
   */
  public static NDArray maskedMean(NDArray x, NDArray mask) {
    if (mask == null) return x.mean(new int[] {1}, true);
    NDArray count = mask.sum(new int[] {1}, true).maximum(1f).expandDims(2); // (B,1,1)
    return maskedSum(x, mask).div(count);
  }

  /** Sum over axis 1 of x (B, n, d) over positions where mask (B, n) is 1, kept as (B, 1, d). */
  public static NDArray maskedSum(NDArray x, NDArray mask) {
    NDArray kept = mask == null ? x : x.mul(mask.expandDims(2));
    return kept.sum(new int[] {1}, true);
  }

  public static NDArray concat(List<NDArray> parts, int axis) {
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), axis);
  }

  /** Binary cross-entropy from logits, elementwise, in the stable form softplus(z) - z·y. */
  public static NDArray binaryCrossEntropyWithLogits(NDArray logits, NDArray labels) {
    return logits.getNDArrayInternal().softPlus().sub(logits.mul(labels));
  }
}
