package io.infnet.bench;

import io.infnet.config.InfnetConfig;
import io.infnet.model.ModelSpec;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * A model size of bench/model-throughput (docs/BENCHMARKS.md): KuaiRand-like vocabularies (user 27,286, video 7,552,
 * author 6,000, tag 60, hour 25; the other fields 20 values, like bucketized numerics), sequences of
 * (video, author, tag) events, 12 time-gap buckets, tower hidden 64, Adam.
 */
public record BenchConfig(String name, int fields, int sequences, int events, int tasks, int dim, int catProxies,
    int sharedTaskTokens, int blocks, int heads, int batch) {
  private static final List<String> SEQUENCE_NAMES = List.of("click", "like", "long_view", "follow");
  private static final List<String> TASK_NAMES = List.of("click", "like", "long_view", "follow");
  private static final List<String> EVENT_FIELDS = List.of("video_id", "author_id", "tag");

  public static BenchConfig named(String name) {
    return switch (name) {
      case "small" -> new BenchConfig("small", 24, 2, 50, 2, 32, 4, 2, 2, 2, 1024);
      case "base" -> new BenchConfig("base", 40, 3, 50, 3, 64, 4, 2, 3, 2, 1024);
      case "long" -> named("base").withEvents("long", 200);
      default -> throw new IllegalArgumentException("unknown benchmark config '" + name + "' (small, base, long)");
    };
  }

  public BenchConfig withEvents(String newName, int newEvents) {
    return new BenchConfig(newName, fields, sequences, newEvents, tasks, dim, catProxies, sharedTaskTokens, blocks, heads, batch);
  }

  public FeatureSchema schema() {
    List<FeatureSchema.Field> all = new ArrayList<>(List.of(new FeatureSchema.Field("user_id", 27_286),
        new FeatureSchema.Field("video_id", 7_552), new FeatureSchema.Field("author_id", 6_000),
        new FeatureSchema.Field("tag", 60), new FeatureSchema.Field("hour", 25)));
    for (int f = all.size(); f < fields; f++) all.add(new FeatureSchema.Field("f" + f, 20));
    List<FeatureSchema.Sequence> seqs = new ArrayList<>();
    for (int s = 0; s < sequences; s++) seqs.add(new FeatureSchema.Sequence(SEQUENCE_NAMES.get(s), events, EVENT_FIELDS));
    return new FeatureSchema(all, seqs, TASK_NAMES.subList(0, tasks), 12);
  }

  public ModelSpec spec(String type) {
    return ModelSpec.from(InfnetConfig.defaults().with("model.type=" + type, "model.dim=" + dim,
        "model.cat_proxies=" + catProxies, "model.shared_task_tokens=" + sharedTaskTokens, "model.blocks=" + blocks,
        "model.heads=" + heads, "model.tower_hidden=64"), schema());
  }

  @Override
  public String toString() {
    return String.format("%s: %d fields, %d sequences x %d events, %d tasks, d=%d, m=%d, N_s=%d, %d blocks, %d heads, batch %d",
        name, fields, sequences, events, tasks, dim, catProxies, sharedTaskTokens, blocks, heads, batch);
  }
}
