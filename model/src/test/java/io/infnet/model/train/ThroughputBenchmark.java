package io.infnet.model.train;

import io.infnet.config.InfnetConfig;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Train samples/s of the default-size model (model.dim=32, 2 blocks, 37 fields, 2 sequences × 30 events, batch 1024).
 * Run: mvn -o -q -pl common,model test -Dtest=ThroughputBenchmark -Dinfnet.benchmark=true [-Dinfnet.benchmark.threads=2]
 */
@EnabledIfSystemProperty(named = "infnet.benchmark", matches = "true")
class ThroughputBenchmark {
  static FeatureSchema defaultSizeSchema() {
    List<FeatureSchema.Field> fields = new ArrayList<>();
    for (String name : InfnetConfig.defaults().get(io.infnet.config.Keys.FEATURES_CATEGORICAL)) {
      int cardinality = switch (name) {
        case "user_id" -> 27_286;
        case "video_id" -> 7_552;
        case "author_id" -> 6_000;
        case "tag" -> 60;
        case "hour" -> 25;
        default -> 20;
      };
      fields.add(new FeatureSchema.Field(name, cardinality));
    }
    List<String> eventFields = List.of("video_id", "author_id", "tag");
    return new FeatureSchema(fields,
        List.of(new FeatureSchema.Sequence("click", 30, eventFields), new FeatureSchema.Sequence("long_view", 30, eventFields)),
        List.of("click", "like", "long_view"), 12);
  }

  @Test
  void defaultSizeTrainThroughput() {
    FeatureSchema schema = defaultSizeSchema();
    String type = System.getProperty("infnet.benchmark.type", "infnet");
    int threads = Integer.getInteger("infnet.benchmark.threads", 2);
    ModelSpec spec = ModelSpec.from(InfnetConfig.defaults().with("model.type=" + type), schema);
    Random random = new Random(1);
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < 4; i++) batches.add(fullHistories(schema, random));
    TrainingOptions options = TrainingOptions.from(InfnetConfig.defaults().with("train.threads=" + threads));
    try (RankingModel model = Models.create(spec, 1); Trainer trainer = new Trainer(model, options)) {
      for (int i = 0; i < 3; i++) trainer.step(batches.get(i % 4)); // warm-up
      int steps = Integer.getInteger("infnet.benchmark.steps", 20);
      long start = System.nanoTime();
      for (int i = 0; i < steps; i++) trainer.step(batches.get(i % 4));
      double seconds = (System.nanoTime() - start) / 1e9;
      long forwardBackward = 0;
      long update = 0;
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        trainer.computeGradients(batches.get(i % 4));
        long t1 = System.nanoTime();
        trainer.applyUpdate(trainer.gradients());
        forwardBackward += t1 - t0;
        update += System.nanoTime() - t1;
      }
      System.out.printf("BENCHMARK split: forward+backward+gradient copy %.1f ms/step, optimizer update %.1f ms/step%n",
          forwardBackward / 1e6 / steps, update / 1e6 / steps);
      long predictStart = System.nanoTime();
      for (int i = 0; i < steps; i++) model.predict(batches.get(i % 4));
      double predictSeconds = (System.nanoTime() - predictStart) / 1e9;
      System.out.printf("BENCHMARK %s params=%d threads=%d train %.0f samples/s (%.1f ms/step), predict %.0f samples/s%n",
          type, model.parameterCount(), threads, steps * 1024 / seconds, seconds * 1000 / steps, steps * 1024 / predictSeconds);
    }
  }

  private static Batch fullHistories(FeatureSchema schema, Random random) {
    Batch b = new Batch(schema, 1024);
    while (!b.isFull()) Synthetic.addRow(b, schema, random);
    return b;
  }
}
