package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import io.infnet.config.choices.SequencePooling;
import io.infnet.model.ModelSpec;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * The baselines' common front and back: the same tokens as INFNet, each history pooled to one vector (DIN target
 * attention against the sequence's item field in the categorical tokens, or masked mean: model.sequence_pooling),
 * concatenated into x = [flatten(C), pooled_1..F] of width (M+F)·d; subclasses map x to one input row per task
 * for the per-task towers [· → tower_hidden → 1].
 */
public abstract class FlatInputNetwork extends RankingNetwork {
  private final FeatureTokens tokens;
  private final List<TargetAttentionPooling> poolings = new ArrayList<>();
  private final int[] targetFields;
  private TaskTowers towers;

  protected FlatInputNetwork(ModelSpec spec) {
    super(spec);
    FeatureSchema schema = spec.schema();
    this.tokens = child("tokens", new FeatureTokens(spec));
    this.targetFields = schema.sequences().stream().mapToInt(s -> schema.fieldIndex(s.fields().get(0))).toArray();
    if (spec.sequencePooling() == SequencePooling.DIN) {
      for (FeatureSchema.Sequence s : schema.sequences()) poolings.add(child("pool_" + s.name(), new TargetAttentionPooling(spec.dim())));
    }
  }

  /** Width of x. */
  protected final int inputWidth() {
    return (spec.schema().fields().size() + spec.schema().sequences().size()) * spec.dim();
  }

  /** Hidden widths of the baselines' MLPs (bottom, experts, deep part): 8d then 4d. */
  protected final int[] hiddenWidths() {
    return new int[] {8 * spec.dim(), 4 * spec.dim()};
  }

  /** Subclasses call this last in their constructor, once the width of a task's input is known. */
  protected final void addTowers(int taskInputWidth) {
    this.towers = child("towers", new TaskTowers(spec.taskCount(), taskInputWidth, spec.towerHidden(), spec.dropout()));
  }

  /** @param x (B, (M+F)·d); @return (B, K, w): row k feeds tower k */
  protected abstract NDArray taskInputs(Pass pass, NDArray x);

  @Override
  public NDArray logits(Pass pass, ModelInputs inputs) {
    FeatureTokens.Tokens t = tokens.apply(pass, inputs);
    long batch = inputs.rows();
    List<NDArray> parts = new ArrayList<>();
    parts.add(t.categorical().reshape(batch, -1));
    for (int s = 0; s < t.sequences().size(); s++) {
      NDArray events = t.sequences().get(s);
      NDArray mask = t.masks().get(s);
      parts.add(poolings.isEmpty()
          ? Ops.maskedMean(events, mask).squeeze(1)
          : poolings.get(s).apply(pass, events, mask, t.categorical().get(":, " + targetFields[s] + ", :")));
    }
    NDArray towerInput = taskInputs(pass, Ops.concat(parts, 1));
    probeTowerInputs(pass, towerInput);
    return towers.apply(pass, towerInput);
  }

  /** The same row for every task: (B, w) -> (B, K, w). */
  protected final NDArray sameForEveryTask(NDArray h) {
    return h.expandDims(1).broadcast(h.getShape().get(0), spec.taskCount(), h.getShape().get(1));
  }

  /** Σ_e softmax(gate)_e · expert_e: experts (B, E, w), gate logits (B, E) -> (B, w). */
  protected static NDArray mix(Pass pass, NDArray experts, NDArray gateLogits) {
    Autocast ac = pass.precision();
    return ac.matMul(ac.full(gateLogits).softmax(-1).expandDims(1), experts).squeeze(1);
  }

  protected static NDArray stackOutputs(Pass pass, List<Mlp> experts, NDArray x) {
    NDArray[] outs = new NDArray[experts.size()];
    for (int e = 0; e < outs.length; e++) outs[e] = experts.get(e).apply(pass, x).expandDims(1);
    return Ops.concat(List.of(outs), 1);
  }
}
