package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import io.infnet.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * DCNv2 (parallel form): model.cross_layers full-rank cross layers x_{l+1} = x_0 ⊙ (W_l x_l + b_l) + x_l next to a
 * deep MLP; the towers read [x_L, deep] (shared by all tasks).
 */
public final class DcnV2Network extends FlatInputNetwork {
  private final List<Dense> crossLayers = new ArrayList<>();
  private final Mlp deep;

  public DcnV2Network(ModelSpec spec) {
    super(spec);
    for (int l = 0; l < spec.crossLayers(); l++) crossLayers.add(child("cross_" + l, new Dense(inputWidth(), inputWidth())));
    this.deep = child("deep", new Mlp(inputWidth(), hiddenWidths(), spec.dropout()));
    addTowers(inputWidth() + deep.outputs());
  }

  @Override
  protected NDArray taskInputs(Pass pass, NDArray x) {
    NDArray crossed = x;
    for (Dense layer : crossLayers) crossed = x.mul(layer.apply(pass, crossed)).add(crossed);
    return sameForEveryTask(Ops.concat(List.of(crossed, deep.apply(pass, x)), 1));
  }
}
