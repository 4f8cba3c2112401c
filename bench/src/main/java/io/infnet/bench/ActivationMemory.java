package io.infnet.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.infnet.config.InfnetConfig;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingOptions;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What libtorch holds in a training worker besides the model state (bench/activation-memory, docs/BENCHMARKS.md): the
 * process's peak resident memory (VmHWM) after libtorch is loaded, then after training steps and predictions at growing
 * batch sizes. The JVM runs with its heap pre-touched (-Xms = -Xmx, AlwaysPreTouch), so every later growth is native;
 * the slope between two batch sizes is the activations' bytes per sample, the start the fixed runtime. Shapes: the
 * quick start's schema at its defaults (42 fields, 2 sequences × 30 events of 3 fields, d=32, 2 blocks) and bench
 * "base" (40 fields, 3 × 50 events, d=64, 3 blocks) to see how the bytes per sample follow the shape.
 */
public final class ActivationMemory {
  private static final int STEPS = 6;

  private ActivationMemory() {}

  public static void main(String[] args) throws IOException {
    int threads = Integer.getInteger("infnet.bench.threads", 2);
    String shape = args.length > 0 ? args[0] : "quickstart";
    long jvm = peakMb();
    Engine.getInstance();
    JniUtils.setNumThreads(threads);
    ModelSpec spec = "quickstart".equals(shape) ? quickstart() : BenchConfig.named(shape).spec("infnet");
    System.out.printf("== activation-memory %s: %d fields, sequences %s, d=%d, %d blocks, %d threads%n", shape,
        spec.schema().fields().size(), spec.schema().sequences().stream().map(s -> s.maxLength() + "x" + s.fields().size()).toList(),
        spec.dim(), spec.blocks(), threads);
    Random random = new Random(7);
    try (RankingModel model = Models.create(spec, 1);
        Trainer trainer = new Trainer(model, TrainingOptions.from(InfnetConfig.defaults().with("train.threads=" + threads)))) {
      System.out.printf("peak RSS: JVM (heap pre-touched) %,d MB, + libtorch and the model %,d MB%n", jvm, peakMb() - jvm);
      long previous = peakMb();
      int previousRows = 0;
      for (int rows : new int[] {64, 256, 1024}) {
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 2; i++) batches.add(RandomBatches.of(spec.schema(), rows, random));
        for (int s = 0; s < STEPS; s++) trainer.step(batches.get(s % 2));
        previous = report("train step", rows, previous, previousRows, jvm);
        previousRows = rows;
      }
      previousRows = 0;
      for (int rows : new int[] {1024, 4096}) {
        Batch batch = RandomBatches.of(spec.schema(), rows, random);
        for (int s = 0; s < 3; s++) model.predict(batch);
        previous = report("predict", rows, previous, previousRows, jvm);
        previousRows = rows;
      }
    }
  }

  private static long report(String what, int rows, long previous, int previousRows, long jvm) throws IOException {
    long peak = peakMb();
    String slope = previousRows == 0 ? ""
        : String.format(", %,d bytes/sample over batch %,d", ((peak - previous) << 20) / (rows - previousRows), previousRows);
    System.out.printf("%s batch %,5d: peak RSS %,d MB (native %,d MB)%s%n", what, rows, peak, peak - jvm, slope);
    return peak;
  }

  /** The quick start's feature schema at the default config (cardinalities as generated; they only size the tables). */
  static ModelSpec quickstart() {
    List<FeatureSchema.Field> fields = new ArrayList<>();
    fields.add(new FeatureSchema.Field("user_id", 3_001));
    fields.add(new FeatureSchema.Field("video_id", 2_001));
    fields.add(new FeatureSchema.Field("author_id", 1_000));
    fields.add(new FeatureSchema.Field("tag", 60)); // multi-valued in the quick start: pooled into one token
    for (int f = fields.size(); f < 42; f++) fields.add(new FeatureSchema.Field("f" + f, 20));
    List<String> events = List.of("video_id", "author_id", "tag");
    FeatureSchema schema = new FeatureSchema(fields, List.of(new FeatureSchema.Sequence("click", 30, events),
        new FeatureSchema.Sequence("long_view", 30, events)), List.of("click", "like", "long_view"), 12);
    return ModelSpec.from(InfnetConfig.defaults(), schema);
  }

  private static long peakMb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
    }
    throw new IllegalStateException("no VmHWM in /proc/self/status");
  }
}
