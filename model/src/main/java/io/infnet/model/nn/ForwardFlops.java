package io.infnet.model.nn;

import static io.infnet.model.nn.TokenType.CAT;
import static io.infnet.model.nn.TokenType.CAT_PROXY;
import static io.infnet.model.nn.TokenType.SEQ;
import static io.infnet.model.nn.TokenType.SEQ_PROXY;
import static io.infnet.model.nn.TokenType.TASK;
import static io.infnet.model.nn.TokenType.TASK_PROXY;

import io.infnet.model.ModelSpec;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Analytical forward FLOPs per sample of {@code infnet} and {@code full_attention} (docs/MODEL.md, "Cost").
 * Only matrix products count: a Linear in→out costs 2·in·out per token; attention of q queries over k keys of width
 * d costs 2·q·k·d for the scores plus 2·q·k·d for the weighted values. Embedding lookups, adds, LayerNorm, softmax,
 * masks and gates' elementwise products count 0. Padded sequence positions count (they are computed).
 *
 * <p>Two counts of cross-attention: {@link Form#MODEL} is the "model FLOPs" of docs/MODEL.md, every CA projecting its
 * own keys and values (4·k·d² per call); {@link Form#EXECUTED} is what {@link CrossAttention#apply} runs, W_K folded into
 * the queries and W_V applied after pooling (8·q·d² + 4·h·q·k·d). Both count only the live parts of the network
 * (the last block's dead outputs are neither built nor counted).
 */
public final class ForwardFlops {
  private ForwardFlops() {}

  public enum Form { MODEL, EXECUTED }

  public enum Component { EVENT_PROJECTION, PROXIES, CROSS_ATTENTION, PGU, SELF_ATTENTION, TOWERS }

  /**
   * One matmul-bearing call of a forward pass.
   *
   * @param queries attention: query tokens; PGU: proxy tokens; else 0
   * @param keys    attention: key tokens; PGU: tokens gated; else 0
   * @param masked  attention over sequence tokens (key padding mask)
   */
  public record Term(Component component, String label, long queries, long keys, boolean masked, long flops) {}

  /** 2·in·out: one Linear applied to one token. */
  public static long linear(long in, long out) {
    return 2 * in * out;
  }

  /** Multi-head attention of q queries over k keys, width d, h heads, with Q and output projections. */
  public static long crossAttention(long q, long k, long d, long h, Form form) {
    long scoresAndValues = 4 * q * k * d;
    if (form == Form.MODEL) return 2 * linear(d, d) * q + 2 * linear(d, d) * k + scoresAndValues;
    // Folded: Q, W_K folded into each head's queries, W_V after pooling, output — 4 d×d products per query; the
    // scores and pooling run over full width d in each of the h heads.
    return 4 * linear(d, d) * q + h * scoresAndValues;
  }

  public static long total(List<Term> terms) {
    return terms.stream().mapToLong(Term::flops).sum();
  }

  /** Forward FLOPs per sample of the model spec.type() names (infnet or full_attention). */
  public static List<Term> of(ModelSpec spec, Form form) {
    List<Term> terms = new ArrayList<>(eventProjections(spec));
    switch (spec.type()) {
      case INFNET -> infnet(spec, form, terms);
      case FULL_ATTENTION -> fullAttention(spec, terms);
      default -> throw new IllegalArgumentException("no FLOP formula for model.type " + spec.type().configName());
    }
    long d = spec.dim();
    terms.add(new Term(Component.TOWERS, "towers", 0, 0, false,
        spec.taskCount() * (linear(d, spec.towerHidden()) + linear(spec.towerHidden(), 1))));
    return terms;
  }

  /** One token per event: Linear(f·d → d) over the concatenated item and side-info embeddings. */
  private static List<Term> eventProjections(ModelSpec spec) {
    List<Term> out = new ArrayList<>();
    for (FeatureSchema.Sequence s : spec.schema().sequences()) {
      long flops = s.maxLength() * linear((long) s.fields().size() * spec.dim(), spec.dim());
      out.add(new Term(Component.EVENT_PROJECTION, "sequence_" + s.name(), 0, 0, false, flops));
    }
    return out;
  }

  private static void infnet(ModelSpec spec, Form form, List<Term> terms) {
    long d = spec.dim();
    Map<TokenType, Long> counts = tokenCounts(spec);
    Set<TokenType> front = InfnetNetwork.frontOutputs(spec);
    if (front.contains(CAT_PROXY)) {
      terms.add(new Term(Component.PROXIES, "cat_proxy", 0, 0, false, linear(counts.get(CAT) * d, counts.get(CAT_PROXY) * d)));
    }
    if (front.contains(SEQ_PROXY)) {
      terms.add(new Term(Component.PROXIES, "seq_proxy", 0, 0, false, counts.get(SEQ) * linear(d, d)));
    }
    Set<TokenType> present = InfnetNetwork.presentTypes(spec);
    List<Set<TokenType>> outputs = InfnetNetwork.blockOutputs(spec);
    for (int b = 0; b < outputs.size(); b++) {
      if (spec.heterogeneousFlow()) {
        for (TokenType q : InfnetBlock.attendedFor(outputs.get(b), spec)) {
          for (TokenType source : q.sources()) {
            if (!present.contains(source)) continue;
            long flops = crossAttention(counts.get(q), counts.get(source), d, spec.heads(), form);
            terms.add(new Term(Component.CROSS_ATTENTION, "block_" + b + "." + q.label() + "_from_" + source.label(),
                counts.get(q), counts.get(source), source == SEQ, flops));
          }
        }
      }
      if (!spec.homogeneousFlow()) continue;
      for (TokenType y : TokenType.GATED) {
        if (!outputs.get(b).contains(y)) continue;
        long proxies = counts.get(y.proxy());
        long flops = linear(proxies * d, spec.pguHiddenWidth()) + linear(spec.pguHiddenWidth(), d);
        terms.add(new Term(Component.PGU, "block_" + b + "." + y.label() + "_gate", proxies, counts.get(y), false, flops));
      }
    }
  }

  /** Self-attention over all M+L+K tokens in every block; the last block only updates the K task tokens. */
  private static void fullAttention(ModelSpec spec, List<Term> terms) {
    Map<TokenType, Long> counts = tokenCounts(spec);
    long tokens = counts.get(CAT) + counts.get(SEQ) + counts.get(TASK);
    for (int b = 0; b < spec.blocks(); b++) {
      long queries = b == spec.blocks() - 1 ? counts.get(TASK) : tokens;
      long flops = crossAttention(queries, tokens, spec.dim(), spec.heads(), Form.MODEL);
      terms.add(new Term(Component.SELF_ATTENTION, "block_" + b, queries, tokens, counts.get(SEQ) > 0, flops));
    }
  }

  /** Tokens per type: M, L = Σ n_a, K; m, F, N_s. */
  private static Map<TokenType, Long> tokenCounts(ModelSpec spec) {
    FeatureSchema schema = spec.schema();
    long events = schema.sequences().stream().mapToLong(FeatureSchema.Sequence::maxLength).sum();
    return Map.of(CAT, (long) schema.fields().size(), SEQ, events, TASK, (long) spec.taskCount(),
        CAT_PROXY, (long) spec.catProxies(), SEQ_PROXY, (long) schema.sequences().size(),
        TASK_PROXY, (long) spec.sharedTaskTokens());
  }
}
