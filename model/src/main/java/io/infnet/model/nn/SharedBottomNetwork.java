package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import io.infnet.model.ModelSpec;

/** Shared-Bottom: one MLP over x shared by all tasks, then the per-task towers. */
public final class SharedBottomNetwork extends FlatInputNetwork {
  private final Mlp bottom;

  public SharedBottomNetwork(ModelSpec spec) {
    super(spec);
    this.bottom = child("bottom", new Mlp(inputWidth(), hiddenWidths(), spec.dropout()));
    addTowers(bottom.outputs());
  }

  @Override
  protected NDArray taskInputs(Pass pass, NDArray x) {
    return sameForEveryTask(bottom.apply(pass, x));
  }
}
