package io.infnet.bench;

import io.infnet.config.InfnetConfig;
import io.infnet.config.choices.EmbeddingUpdate;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingOptions;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.FeatureSchema.Field;
import io.infnet.schema.FeatureSchema.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Training step time against the vocabulary size (bench/embedding-step, docs/BENCHMARKS.md): one field of V ids
 * (d = 64) beside a few small ones, one worker, train.embedding_update dense vs rows. Dense touches every row of the
 * table and its Adam moments each step, rows only those the batch reads, so its step time should not grow with V.
 */
public final class EmbeddingStep {
  private static final int DIM = 64;
  private static final int BATCH = 256;
  private static final int DISTINCT_BATCHES = 4;

  private EmbeddingStep() {}

  public static void main(String[] args) {
    int threads = Integer.getInteger("infnet.bench.threads", 2);
    long[] vocabularies = args.length == 0 ? new long[] {10_000, 100_000, 1_000_000} : java.util.Arrays.stream(args).mapToLong(Long::parseLong).toArray();
    System.out.printf("embedding step: batch %d, d = %d, one worker, %d intra-op threads; median of timed steps%n", BATCH, DIM, threads);
    double[][] ms = new double[EmbeddingUpdate.values().length][vocabularies.length];
    for (int v = 0; v < vocabularies.length; v++) {
      for (EmbeddingUpdate update : EmbeddingUpdate.values()) {
        ms[update.ordinal()][v] = stepSeconds(vocabularies[v], update, threads) * 1e3;
        System.out.printf("V = %,d  %-5s  %.1f ms/step%n", vocabularies[v], update.configName(), ms[update.ordinal()][v]);
      }
    }
    int last = vocabularies.length - 1;
    for (EmbeddingUpdate update : EmbeddingUpdate.values()) {
      System.out.printf("step time ratio (largest / smallest V, %s): %.2f%n", update.configName(), ms[update.ordinal()][last] / ms[update.ordinal()][0]);
    }
  }

  private static double stepSeconds(long vocabulary, EmbeddingUpdate update, int threads) {
    FeatureSchema schema = new FeatureSchema(
        List.of(new Field("user_id", Math.toIntExact(vocabulary)), new Field("video_id", 1000), new Field("hour", 24)),
        List.of(new Sequence("click", 8, List.of("video_id"))), List.of("click", "like"), 5);
    InfnetConfig config = InfnetConfig.defaults().with("model.dim=" + DIM, "model.blocks=1", "model.heads=2",
        "train.threads=" + threads, "train.embedding_update=" + update.configName());
    ModelSpec spec = ModelSpec.from(config, schema);
    Random random = new Random(7);
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < DISTINCT_BATCHES; i++) batches.add(RandomBatches.of(schema, BATCH, random));
    try (RankingModel model = Models.create(spec, 1); Trainer trainer = new Trainer(model, TrainingOptions.from(config))) {
      int[] step = {0};
      return Timing.medianSeconds(() -> trainer.step(batches.get(step[0]++ % DISTINCT_BATCHES)), 5, 30, 20);
    }
  }
}
