package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import io.infnet.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * PLE with one extraction layer (CGC): model.experts shared experts plus model.experts experts per task; task k's
 * gate mixes its own and the shared experts.
 */
public final class PleNetwork extends FlatInputNetwork {
  private final List<Mlp> shared = new ArrayList<>();
  private final List<List<Mlp>> taskExperts = new ArrayList<>();
  private final List<Dense> gates = new ArrayList<>();

  public PleNetwork(ModelSpec spec) {
    super(spec);
    int e = spec.experts();
    for (int i = 0; i < e; i++) shared.add(child("shared_expert_" + i, new Mlp(inputWidth(), hiddenWidths(), spec.dropout())));
    for (String task : spec.schema().tasks()) {
      List<Mlp> own = new ArrayList<>();
      for (int i = 0; i < e; i++) own.add(child(task + "_expert_" + i, new Mlp(inputWidth(), hiddenWidths(), spec.dropout())));
      taskExperts.add(own);
      gates.add(child("gate_" + task, new Dense(inputWidth(), 2 * e)));
    }
    addTowers(shared.get(0).outputs());
  }

  @Override
  protected NDArray taskInputs(Pass pass, NDArray x) {
    NDArray sharedOutputs = stackOutputs(pass, shared, x);
    List<NDArray> perTask = new ArrayList<>();
    for (int k = 0; k < gates.size(); k++) {
      NDArray candidates = Ops.concat(List.of(stackOutputs(pass, taskExperts.get(k), x), sharedOutputs), 1);
      perTask.add(mix(candidates, gates.get(k).apply(pass, x)).expandDims(1));
    }
    return Ops.concat(perTask, 1);
  }
}
