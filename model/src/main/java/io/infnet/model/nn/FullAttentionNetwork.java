package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.infnet.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Baseline {@code full_attention}: INFNet's tokens (C, S, T) under standard multi-head self-attention over all
 * M+L+K tokens, x = LN(x + MHA(x, x)) per block (key padding mask on S), and the same towers on the final task
 * tokens. Its cost grows with (M+L+K)² per block where INFNet's grows linearly (docs/MODEL.md, "Cost");
 * bench/model-throughput compares the two. The last block updates only the task tokens, the only ones the towers
 * read (INFNet skips its dead parts likewise). Attention uses the direct form: with as many queries as keys,
 * folding W_K into the queries would cost more, not less.
 */
public final class FullAttentionNetwork extends RankingNetwork {
  private final FeatureTokens tokens;
  private final Parameter taskTokens;
  private final List<CrossAttention> attention = new ArrayList<>();
  private final List<Norm> norms = new ArrayList<>();
  private final TaskTowers towers;

  public FullAttentionNetwork(ModelSpec spec) {
    super(spec);
    int d = spec.dim();
    this.tokens = child("tokens", new FeatureTokens(spec));
    this.taskTokens = parameter("task_tokens", Init.scaled(spec.initStd()), spec.taskCount(), d);
    for (int b = 0; b < spec.blocks(); b++) {
      attention.add(child("block_" + b + ".attention", new CrossAttention(d, spec.heads(), null)));
      norms.add(child("block_" + b + ".norm", new Norm(d)));
    }
    this.towers = child("towers", new TaskTowers(spec.taskCount(), d, spec.towerHidden(), spec.dropout()));
  }

  @Override
  public NDArray logits(Pass pass, ModelInputs inputs) {
    long batch = inputs.rows();
    FeatureTokens.Tokens t = tokens.apply(pass, inputs);
    List<NDArray> all = new ArrayList<>(List.of(t.categorical()));
    all.addAll(t.sequences());
    all.add(perSample(pass.value(taskTokens), batch));
    NDArray x = Ops.concat(all, 1);                                                      // (B, M+L+K, d)
    NDArray mask = keyMask(t, batch);
    int last = attention.size() - 1;
    for (int b = 0; b <= last; b++) {
      NDArray queries = b == last ? x.get(":, " + (x.getShape().get(1) - spec.taskCount()) + ":, :") : x;
      x = norms.get(b).apply(pass, queries.add(attention.get(b).applyDirect(pass, queries, x, mask)));
    }
    return towers.apply(pass, x);                                                        // x: (B, K, d)
  }

  /** (B, M+L+K): 1 for every categorical and task token, the sequences' padding masks between; null = no sequences. */
  private NDArray keyMask(FeatureTokens.Tokens t, long batch) {
    if (t.masks().isEmpty()) return null;
    NDArray any = t.masks().get(0);
    List<NDArray> parts = new ArrayList<>();
    parts.add(any.getManager().ones(new Shape(batch, spec.schema().fields().size())));
    parts.addAll(t.masks());
    parts.add(any.getManager().ones(new Shape(batch, spec.taskCount())));
    return Ops.concat(parts, 1);
  }
}
