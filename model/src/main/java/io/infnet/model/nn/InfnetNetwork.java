package io.infnet.model.nn;

import static io.infnet.model.nn.TokenType.CAT;
import static io.infnet.model.nn.TokenType.CAT_PROXY;
import static io.infnet.model.nn.TokenType.SEQ;
import static io.infnet.model.nn.TokenType.SEQ_PROXY;
import static io.infnet.model.nn.TokenType.TASK;
import static io.infnet.model.nn.TokenType.TASK_PROXY;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import io.infnet.config.choices.SeqProxyPool;
import io.infnet.model.ModelSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * INFNet (docs/MODEL.md): categorical, sequence and task tokens with their proxies, N blocks of heterogeneous +
 * homogeneous flow, and per-task towers reading the final real task tokens (or, with model.task_tokens=false,
 * a pooled summary of the final proxies).
 */
public final class InfnetNetwork extends RankingNetwork {
  private final FeatureTokens tokens;
  private final Dense catProxy;        // φ_cat: M·d -> m·d, null when nothing reads C̃
  private final Dense seqProxy;        // φ_seq: d -> d (+ReLU), null when nothing reads S̃
  private final Parameter taskTokens;  // T (K, d)
  private final Parameter sharedTaskTokens; // T̃ (N_s, d)
  private final List<InfnetBlock> blocks = new ArrayList<>();
  private final TaskTowers towers;
  private final Map<TokenType, Norm> inputNorms = new EnumMap<>(TokenType.class); // empty unless model.input_norm

  public InfnetNetwork(ModelSpec spec) {
    super(spec);
    int d = spec.dim();
    int fields = spec.schema().fields().size();
    Set<TokenType> present = presentTypes(spec);
    Map<TokenType, Integer> proxyCounts = new EnumMap<>(TokenType.class);
    proxyCounts.put(CAT_PROXY, spec.catProxies());
    proxyCounts.put(SEQ_PROXY, spec.schema().sequences().size());
    proxyCounts.put(TASK_PROXY, spec.sharedTaskTokens());

    List<Set<TokenType>> blockOutputs = blockOutputs(spec);
    Set<TokenType> needed = InfnetBlock.inputsFor(blockOutputs.get(0), spec, present);
    this.tokens = child("tokens", new FeatureTokens(spec));
    this.catProxy = needed.contains(CAT_PROXY) ? child("cat_proxy", new Dense(fields * d, spec.catProxies() * d)) : null;
    this.seqProxy = needed.contains(SEQ_PROXY) ? child("seq_proxy", new Dense(d, d)) : null;
    this.taskTokens = needed.contains(TASK) ? parameter("task_tokens", Init.scaled(spec.initStd()), spec.taskCount(), d) : null;
    this.sharedTaskTokens = needed.contains(TASK_PROXY)
        ? parameter("shared_task_tokens", Init.scaled(spec.initStd()), spec.sharedTaskTokens(), d) : null;
    if (spec.inputNorm()) {
      for (TokenType type : needed) inputNorms.put(type, child("input_norm_" + type.label(), new Norm(d)));
    }
    for (int b = 0; b < spec.blocks(); b++) {
      blocks.add(child("block_" + b, new InfnetBlock(spec, blockOutputs.get(b), present, proxyCounts)));
    }
    this.towers = child("towers", new TaskTowers(spec.taskCount(), d, spec.towerHidden(), spec.dropout()));
  }

  /** Liveness, from the towers backwards: the outputs each block must produce (block 0 first). */
  static List<Set<TokenType>> blockOutputs(ModelSpec spec) {
    Set<TokenType> present = presentTypes(spec);
    List<Set<TokenType>> outputs = new ArrayList<>(Collections.nCopies(spec.blocks(), null));
    Set<TokenType> needed = towerInputs(spec, present);
    for (int b = spec.blocks() - 1; b >= 0; b--) {
      outputs.set(b, needed);
      needed = InfnetBlock.inputsFor(needed, spec, present);
    }
    return outputs;
  }

  /** What the blocks read from the front (tokens and initial proxies). */
  static Set<TokenType> frontOutputs(ModelSpec spec) {
    return InfnetBlock.inputsFor(blockOutputs(spec).get(0), spec, presentTypes(spec));
  }

  static Set<TokenType> presentTypes(ModelSpec spec) {
    Set<TokenType> present = EnumSet.of(CAT, CAT_PROXY);
    if (!spec.schema().sequences().isEmpty()) present.addAll(List.of(SEQ, SEQ_PROXY));
    if (spec.taskTokens()) present.addAll(List.of(TASK, TASK_PROXY));
    return present;
  }

  private static Set<TokenType> towerInputs(ModelSpec spec, Set<TokenType> present) {
    if (spec.taskTokens()) return EnumSet.of(TASK);
    Set<TokenType> proxies = EnumSet.of(CAT_PROXY, SEQ_PROXY);
    proxies.retainAll(present);
    return proxies;
  }

  @Override
  public NDArray logits(Pass pass, ModelInputs inputs) {
    long batch = inputs.rows();
    FeatureTokens.Tokens t = normalised(pass, tokens.apply(pass, inputs));
    Map<TokenType, NDArray> state = new EnumMap<>(TokenType.class);
    NDArray categorical = t.categorical();
    pass.probe().tokens("input.cat", categorical);
    state.put(CAT, categorical);
    NDArray seqMask = null;
    if (!t.sequences().isEmpty()) {
      state.put(SEQ, Ops.concat(t.sequences(), 1));
      seqMask = Ops.concat(t.masks(), 1);
    }
    if (catProxy != null) {
      NDArray flat = categorical.reshape(batch, -1);
      state.put(CAT_PROXY, catProxy.apply(pass, flat).reshape(batch, spec.catProxies(), spec.dim()));
    }
    if (seqProxy != null) state.put(SEQ_PROXY, sequenceProxies(pass, t));
    if (taskTokens != null) state.put(TASK, perSample(pass.value(taskTokens), batch));
    if (sharedTaskTokens != null) state.put(TASK_PROXY, perSample(pass.value(sharedTaskTokens), batch));
    for (TokenType type : List.of(CAT_PROXY, SEQ_PROXY, TASK, TASK_PROXY)) {
      if (inputNorms.containsKey(type) && state.containsKey(type)) state.put(type, inputNorms.get(type).apply(pass, state.get(type)));
    }
    for (int b = 0; b < blocks.size(); b++) state = blocks.get(b).apply(pass.within("block_" + b), state, seqMask);
    NDArray towerInput = towerInput(state, batch);
    probeTowerInputs(pass, towerInput);
    return towers.apply(pass, towerInput);
  }

  /**
   * C and S at unit scale before anything reads them (model.input_norm). Without it the first block's attention
   * logits are products of two ~0.05-scale vectors and its softmax stays uniform for the whole training run
   * (measured: docs/ACCURACY.md), while every later block reads LayerNorm outputs.
   */
  private FeatureTokens.Tokens normalised(Pass pass, FeatureTokens.Tokens t) {
    if (inputNorms.isEmpty()) return t;
    NDArray categorical = inputNorms.containsKey(CAT) ? inputNorms.get(CAT).apply(pass, t.categorical()) : t.categorical();
    List<NDArray> sequences = t.sequences();
    if (inputNorms.containsKey(SEQ)) sequences = sequences.stream().map(s -> inputNorms.get(SEQ).apply(pass, s)).toList();
    return new FeatureTokens.Tokens(categorical, sequences, t.masks());
  }

  /** S̃: per sequence, the masked mean (or sum) of φ_seq over its events; an empty history gives 0. */
  private NDArray sequenceProxies(Pass pass, FeatureTokens.Tokens t) {
    boolean sum = spec.seqProxyPool() == SeqProxyPool.SUM;
    List<NDArray> pooled = new ArrayList<>();
    for (int s = 0; s < t.sequences().size(); s++) {
      NDArray phi = Ops.relu(seqProxy.apply(pass, t.sequences().get(s)));
      pooled.add(sum ? Ops.maskedSum(phi, t.masks().get(s)) : Ops.maskedMean(phi, t.masks().get(s)));
    }
    return Ops.concat(pooled, 1);
  }

  private NDArray towerInput(Map<TokenType, NDArray> state, long batch) {
    if (spec.taskTokens()) return state.get(TASK);
    List<NDArray> proxies = new ArrayList<>();
    proxies.add(state.get(CAT_PROXY));
    if (state.containsKey(SEQ_PROXY)) proxies.add(state.get(SEQ_PROXY));
    NDArray summary = Ops.concat(proxies, 1).mean(new int[] {1}, true);   // (B,1,d)
    return summary.broadcast(batch, spec.taskCount(), spec.dim());
  }
}
