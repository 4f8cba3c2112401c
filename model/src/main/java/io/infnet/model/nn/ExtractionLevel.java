package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.infnet.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One PLE extraction level (a CGC layer): model.experts experts per task and as many shared experts. Task k's experts
 * read task k's input, the shared experts the shared input; task k's gate mixes its own and the shared experts. The
 * shared gate mixes every expert into the next level's shared input; the last level has none, since nothing reads it.
 * Each gate reads the same input as the experts of its group.
 */
final class ExtractionLevel extends Module {
  /** One (B, w) row per task and the shared one (null after the last level). */
  record Streams(List<NDArray> tasks, NDArray shared) {}

  private final List<Mlp> sharedExperts;
  private final List<List<Mlp>> taskExperts = new ArrayList<>();
  private final List<Dense> taskGates = new ArrayList<>();
  private final Dense sharedGate;
  private final int outputs;

  ExtractionLevel(ModelSpec spec, int inputs, int[] hiddenWidths, boolean last) {
    int experts = spec.experts();
    this.sharedExperts = experts("shared_expert_", experts, inputs, hiddenWidths, spec.dropout());
    for (String task : spec.schema().tasks()) {
      taskExperts.add(experts(task + "_expert_", experts, inputs, hiddenWidths, spec.dropout()));
      taskGates.add(child("gate_" + task, new Dense(inputs, 2 * experts)));
    }
    this.sharedGate = last ? null : child("shared_gate", new Dense(inputs, (spec.taskCount() + 1) * experts));
    this.outputs = hiddenWidths[hiddenWidths.length - 1];
  }

  private List<Mlp> experts(String prefix, int count, int inputs, int[] hiddenWidths, double dropout) {
    List<Mlp> out = new ArrayList<>();
    for (int e = 0; e < count; e++) out.add(child(prefix + e, new Mlp(inputs, hiddenWidths, dropout)));
    return out;
  }

  /** Width of every output row. */
  int outputs() {
    return outputs;
  }

  Streams apply(Pass pass, Streams in) {
    NDArray shared = FlatInputNetwork.stackOutputs(pass, sharedExperts, in.shared());          // (B, E, w)
    List<NDArray> everyExpert = new ArrayList<>();
    List<NDArray> taskOutputs = new ArrayList<>();
    for (int k = 0; k < taskGates.size(); k++) {
      NDArray taskInput = in.tasks().get(k);
      NDArray own = FlatInputNetwork.stackOutputs(pass, taskExperts.get(k), taskInput);
      everyExpert.add(own);
      taskOutputs.add(FlatInputNetwork.mix(pass, Ops.concat(List.of(own, shared), 1), taskGates.get(k).apply(pass, taskInput)));
    }
    if (sharedGate == null) return new Streams(taskOutputs, null);
    everyExpert.add(shared);
    return new Streams(taskOutputs, FlatInputNetwork.mix(pass, Ops.concat(everyExpert, 1), sharedGate.apply(pass, in.shared())));
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    // DJL form: one input per task, then the shared one; the output likewise (no shared one after the last level).
    int tasks = taskGates.size();
    Streams out = apply(new Pass(store, training), new Streams(inputs.subNDList(0, tasks), inputs.get(tasks)));
    NDList list = new NDList(out.tasks());
    if (out.shared() != null) list.add(out.shared());
    return list;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] out = new Shape[sharedGate == null ? taskGates.size() : taskGates.size() + 1];
    for (int i = 0; i < out.length; i++) out[i] = new Shape(inputShapes[i].get(0), outputs);
    return out;
  }
}
