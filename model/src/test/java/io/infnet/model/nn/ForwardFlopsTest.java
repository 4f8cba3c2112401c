package io.infnet.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.infnet.config.InfnetConfig;
import io.infnet.model.ModelSpec;
import io.infnet.model.Synthetic;
import io.infnet.model.nn.ForwardFlops.Component;
import io.infnet.model.nn.ForwardFlops.Form;
import io.infnet.schema.FeatureSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardFlopsTest {
  /** M=3 fields, one sequence of 4 events × 2 fields, K=2 tasks; d=4, h=2, N_s=1, tower hidden 8. */
  private static ModelSpec tiny(String type, int blocks) {
    FeatureSchema schema = new FeatureSchema(
        List.of(new FeatureSchema.Field("user_id", 5), new FeatureSchema.Field("video_id", 6), new FeatureSchema.Field("author_id", 7)),
        List.of(new FeatureSchema.Sequence("click", 4, List.of("video_id", "author_id"))), List.of("click", "like"), 0);
    return ModelSpec.from(InfnetConfig.defaults().with("model.type=" + type, "model.dim=4", "model.heads=2",
        "model.cat_proxies=2", "model.shared_task_tokens=1", "model.blocks=" + blocks, "model.tower_hidden=8"), schema);
  }

  @Test
  void oneInfnetBlockCountedByHand() {
    // One block: only T and the T̃ that gates it are live, reading C (3 tokens) and S (4 tokens).
    // event projection 4·2·(2·4)·4 = 256; towers 2·(2·4·8 + 2·8·1) = 160; PGU of T: 2·(1·4)·8 + 2·8·4 = 128.
    // Model CA(q, k) = 2·32·q (Q, output) + 2·32·k (K, V) + 4·q·k·4: T←C 416, T←S 512, T̃←C 304, T̃←S 384.
    assertEquals(256 + 160 + 128 + 416 + 512 + 304 + 384, ForwardFlops.total(ForwardFlops.of(tiny("infnet", 1), Form.MODEL)));
    // Executed CA(q, k) = 4·32·q + h·4·q·k·4: T←C 448, T←S 512, T̃←C 224, T̃←S 256.
    assertEquals(256 + 160 + 128 + 448 + 512 + 224 + 256, ForwardFlops.total(ForwardFlops.of(tiny("infnet", 1), Form.EXECUTED)));
  }

  @Test
  void fullAttentionCountedByHand() {
    // N = 3 + 4 + 2 = 9 tokens. Block 0, 9 queries: 2·32·9 + 2·32·9 + 4·9·9·4 = 2448. Last block, 2 task queries:
    // 2·32·2 + 2·32·9 + 4·2·9·4 = 992. Plus event projection 256 and towers 160.
    assertEquals(2448 + 992 + 256 + 160, ForwardFlops.total(ForwardFlops.of(tiny("full_attention", 2), Form.MODEL)));
  }

  @Test
  void countsExactlyTheAttentionAndGatesTheNetworkBuilds() {
    for (ModelSpec spec : List.of(Synthetic.spec(), Synthetic.spec("model.blocks=3"), Synthetic.spec("model.pgu_proxies=input"),
        Synthetic.spec("model.task_tokens=false"), tiny("infnet", 2))) {
      List<ForwardFlops.Term> terms = ForwardFlops.of(spec, Form.MODEL);
      var names = new InfnetNetwork(spec).namedParameters().keySet();
      assertEquals(names.stream().filter(n -> n.matches(".*_from_.*\\.query\\.weight")).count(), count(terms, Component.CROSS_ATTENTION), spec.toString());
      assertEquals(names.stream().filter(n -> n.matches(".*_gate\\.hidden\\.weight")).count(), count(terms, Component.PGU), spec.toString());
      assertEquals(names.contains("cat_proxy.weight") ? 1 : 0,
          terms.stream().filter(t -> t.label().equals("cat_proxy")).count(), spec.toString());
    }
  }

  @Test
  void fullAttentionGrowsQuadraticallyAndInfnetLinearly() {
    long[] infnet = new long[3];
    long[] full = new long[3];
    for (int i = 0; i < 3; i++) {
      int events = 100 << i;
      FeatureSchema schema = new FeatureSchema(tiny("infnet", 1).schema().fields(),
          List.of(new FeatureSchema.Sequence("click", events, List.of("video_id", "author_id"))), List.of("click", "like"), 0);
      infnet[i] = ForwardFlops.total(ForwardFlops.of(Synthetic.spec(schema, "model.blocks=3"), Form.MODEL));
      full[i] = ForwardFlops.total(ForwardFlops.of(Synthetic.spec(schema, "model.blocks=3", "model.type=full_attention"), Form.MODEL));
    }
    // Doubling the events: INFNet's increments stay equal (linear), full attention's grow (quadratic).
    assertEquals(infnet[1] - infnet[0], (infnet[2] - infnet[1]) / 2);
    assertEquals(true, full[2] - full[1] > 1.9 * (full[1] - full[0]));
  }

  private static long count(List<ForwardFlops.Term> terms, Component component) {
    return terms.stream().filter(t -> t.component() == component).count();
  }
}
