package io.infnet.model.nn;

import static io.infnet.model.nn.TokenType.CAT;
import static io.infnet.model.nn.TokenType.SEQ;
import static io.infnet.model.nn.TokenType.TASK;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.infnet.config.choices.PguProxies;
import io.infnet.model.ModelSpec;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One INFNet block. Heterogeneous flow (each query type reads the other types' full tokens):
 * <pre>
 *   C̃' = LN(C̃ + CA(C̃,S) + CA(C̃,T))   S̃' = LN(S̃ + CA(S̃,C) + CA(S̃,T))
 *   T̃' = LN(T̃ + CA(T̃,C) + CA(T̃,S))   T̂  = LN(T + CA(T,C) + CA(T,S))
 * </pre>
 * Homogeneous flow: C' = LN(C + PGU(C, C̃')), S' = LN(S + PGU(S, S̃')), T' = LN(T̂ + PGU(T̂, T̃')).
 *
 * <p>The block builds only the parts whose outputs something downstream reads ({@code outputs}); e.g. in the last
 * block C̃', S̃', C', S' are dead (the towers read only T) and have no parameters. Absent token types (no sequences,
 * no task tokens) simply drop their terms. Ablations: heterogeneous flow off = every CA(Q, KV) becomes the masked
 * mean of KV; homogeneous flow off = C' = C, S' = S, T' = T̂.
 */
public final class InfnetBlock extends Module {
  private final boolean heterogeneous;
  private final boolean homogeneous;
  private final boolean gateWithUpdatedProxies;
  private final Set<TokenType> present;
  private final Set<TokenType> outputs;
  private final Set<TokenType> attended;
  private final Map<TokenType, Map<TokenType, CrossAttention>> attention = new EnumMap<>(TokenType.class);
  private final Map<TokenType, Norm> attentionNorms = new EnumMap<>(TokenType.class);
  private final Map<TokenType, ProxyGatedUnit> gates = new EnumMap<>(TokenType.class);
  private final Map<TokenType, Norm> gateNorms = new EnumMap<>(TokenType.class);

  /**
   * @param outputs     the types the next block (or the towers) read
   * @param present     the types this model has at all
   * @param proxyCounts tokens per proxy type (m, F, N_s)
   */
  public InfnetBlock(ModelSpec spec, Set<TokenType> outputs, Set<TokenType> present, Map<TokenType, Integer> proxyCounts) {
    this.heterogeneous = spec.heterogeneousFlow();
    this.homogeneous = spec.homogeneousFlow();
    this.gateWithUpdatedProxies = spec.pguProxies() == PguProxies.UPDATED;
    this.present = EnumSet.copyOf(present);
    this.outputs = EnumSet.copyOf(outputs);
    this.attended = attendedFor(outputs, spec);
    int d = spec.dim();
    Map<TokenType, KeyValueProjection> sharedKeyValues = new EnumMap<>(TokenType.class);
    for (TokenType q : attended) {
      Map<TokenType, CrossAttention> calls = new EnumMap<>(TokenType.class);
      for (TokenType source : sourcesOf(q)) {
        if (!heterogeneous) continue;
        KeyValueProjection shared = spec.shareKv()
            ? sharedKeyValues.computeIfAbsent(source, s -> child("kv_" + s.label(), new KeyValueProjection(d)))
            : null;
        calls.put(source, child(q.label() + "_from_" + source.label(), new CrossAttention(d, spec.heads(), shared)));
      }
      attention.put(q, calls);
      attentionNorms.put(q, child(q.label() + "_norm", new Norm(d)));
    }
    if (homogeneous) {
      for (TokenType y : TokenType.GATED) {
        if (!outputs.contains(y)) continue;
        gates.put(y, child(y.label() + "_gate", new ProxyGatedUnit(proxyCounts.get(y.proxy()), d, spec.pguHiddenWidth(), spec.dropout())));
        gateNorms.put(y, child(y.label() + "_gate_norm", new Norm(d)));
      }
    }
  }

  /** The query types this block must update to produce {@code outputs} (T̂ for T; updated proxies for gates). */
  static Set<TokenType> attendedFor(Set<TokenType> outputs, ModelSpec spec) {
    Set<TokenType> a = EnumSet.noneOf(TokenType.class);
    for (TokenType t : outputs) if (t != CAT && t != SEQ) a.add(t);
    if (spec.homogeneousFlow() && spec.pguProxies() == PguProxies.UPDATED) {
      for (TokenType y : TokenType.GATED) if (outputs.contains(y)) a.add(y.proxy());
    }
    return a;
  }

  /** The input types a block needs to produce {@code outputs}: the liveness step run backwards from the towers. */
  static Set<TokenType> inputsFor(Set<TokenType> outputs, ModelSpec spec, Set<TokenType> present) {
    Set<TokenType> in = EnumSet.noneOf(TokenType.class);
    for (TokenType q : attendedFor(outputs, spec)) {
      in.add(q);
      in.addAll(q.sources());
    }
    for (TokenType y : TokenType.GATED) {
      if (!outputs.contains(y)) continue;
      in.add(y);
      if (spec.homogeneousFlow() && spec.pguProxies() != PguProxies.UPDATED) in.add(y.proxy());
    }
    in.retainAll(present);
    return in;
  }

  private List<TokenType> sourcesOf(TokenType query) {
    return query.sources().stream().filter(present::contains).toList();
  }

  /** @param in the block's input tokens by type; @param seqMask (B, L) padding mask of S, or null */
  public Map<TokenType, NDArray> apply(Pass pass, Map<TokenType, NDArray> in, NDArray seqMask) {
    Map<TokenType, NDArray> updated = new EnumMap<>(TokenType.class);
    for (TokenType q : attended) {
      NDArray sum = in.get(q);
      for (TokenType source : sourcesOf(q)) sum = sum.add(attend(pass, q, source, in, seqMask));
      updated.put(q, attentionNorms.get(q).apply(pass, sum));
    }
    Map<TokenType, NDArray> out = new EnumMap<>(TokenType.class);
    for (TokenType t : outputs) {
      if (t == CAT || t == SEQ || t == TASK) {
        NDArray x = t == TASK ? updated.get(TASK) : in.get(t);
        out.put(t, homogeneous ? gated(pass, t, x, gateWithUpdatedProxies ? updated : in) : x);
      } else {
        out.put(t, updated.get(t));
      }
    }
    out.forEach((t, x) -> pass.probe().tokens(t.label(), x));
    return out;
  }

  private NDArray attend(Pass pass, TokenType query, TokenType source, Map<TokenType, NDArray> in, NDArray seqMask) {
    NDArray mask = source == SEQ ? seqMask : null;
    if (!heterogeneous) return Ops.maskedMean(in.get(source), mask);
    return attention.get(query).get(source).apply(pass.within(query.label() + "_from_" + source.label()), in.get(query),
        in.get(source), mask);
  }

  private NDArray gated(Pass pass, TokenType type, NDArray x, Map<TokenType, NDArray> proxies) {
    return gateNorms.get(type).apply(pass, x.add(gates.get(type).apply(pass.within(type.label() + "_gate"), x, proxies.get(type.proxy()))));
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    // DJL form: the tokens of every present type in enum order, then the S padding mask when S is present.
    Map<TokenType, NDArray> in = new EnumMap<>(TokenType.class);
    int i = 0;
    for (TokenType t : TokenType.values()) if (present.contains(t)) in.put(t, inputs.get(i++));
    NDArray seqMask = i < inputs.size() ? inputs.get(i) : null;
    NDList out = new NDList();
    apply(new Pass(store, training), in, seqMask).values().forEach(out::add);
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] out = new Shape[outputs.size()];
    int i = 0;
    int j = 0;
    Map<TokenType, Shape> byType = new EnumMap<>(TokenType.class);
    for (TokenType t : TokenType.values()) if (present.contains(t)) byType.put(t, inputShapes[j++]);
    for (TokenType t : outputs) out[i++] = byType.get(t);
    return out;
  }
}
