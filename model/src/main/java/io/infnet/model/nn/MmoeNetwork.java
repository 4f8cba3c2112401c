package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import io.infnet.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/** MMoE: model.experts shared expert MLPs; each task mixes them with its own softmax gate over x. */
public final class MmoeNetwork extends FlatInputNetwork {
  private final List<Mlp> experts = new ArrayList<>();
  private final List<Dense> gates = new ArrayList<>();

  public MmoeNetwork(ModelSpec spec) {
    super(spec);
    for (int e = 0; e < spec.experts(); e++) experts.add(child("expert_" + e, new Mlp(inputWidth(), hiddenWidths(), spec.dropout())));
    for (String task : spec.schema().tasks()) gates.add(child("gate_" + task, new Dense(inputWidth(), spec.experts())));
    addTowers(experts.get(0).outputs());
  }

  @Override
  protected NDArray taskInputs(Pass pass, NDArray x) {
    NDArray expertOutputs = stackOutputs(pass, experts, x);     // (B, E, w)
    List<NDArray> perTask = new ArrayList<>();
    for (Dense gate : gates) perTask.add(mix(pass, expertOutputs, gate.apply(pass, x)).expandDims(1));
    return Ops.concat(perTask, 1);
  }
}
