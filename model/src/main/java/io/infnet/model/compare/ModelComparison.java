package io.infnet.model.compare;

import ai.djl.Device;
import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.DeviceKind;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.data.Batch;
import io.infnet.model.data.ExampleSet;
import io.infnet.model.eval.Metrics;
import io.infnet.model.train.EpochRecord;
import io.infnet.model.train.Gradients;
import io.infnet.model.train.StepEvent;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingListener;
import io.infnet.model.train.TrainingLoop;
import io.infnet.model.train.TrainingOptions;
import io.infnet.model.train.TrainingResult;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains each variant with each seed on the same in-memory train/valid splits (the production {@link Trainer}
 * and {@link TrainingLoop}: same optimizer, schedule, early stopping on validation AUC) and measures the best
 * epoch's weights on the test split: per task AUC, gAUC, logloss. Also records the validation curves and, per
 * epoch, the mean gradient norm of every model component.
 */
public final class ModelComparison {
  /** Test metrics of one (variant, seed, task). */
  public record TaskResult(String variant, long seed, String task, double auc, double gauc, double logloss) {}

  /** Validation metrics and train loss of one (variant, seed, epoch). */
  public record CurvePoint(String variant, long seed, int epoch, double trainLoss, Map<String, Double> validAuc,
      Map<String, Double> validLogloss) {}

  /** Mean gradient L2 norm (of the mean loss, before clipping) of one component over an epoch, and its weight norm after it. */
  public record GradientPoint(String variant, long seed, int epoch, String component, double gradientNorm, double weightNorm) {}

  /** One activation statistic ({@link io.infnet.model.nn.Probe.Recorder}) of one (variant, seed, epoch) on validation rows. */
  public record ActivationPoint(String variant, long seed, int epoch, String statistic, double value) {}

  public record Run(String variant, long seed, long parameters, double trainSeconds, int epochsRun, int bestEpoch) {}

  final List<TaskResult> results = new ArrayList<>();
  final List<CurvePoint> curves = new ArrayList<>();
  final List<GradientPoint> gradients = new ArrayList<>();
  final List<ActivationPoint> activations = new ArrayList<>();
  final List<Run> runs = new ArrayList<>();

  private final InfnetConfig config;
  private final FeatureSchema schema;
  private final ExampleSet train;
  private final ExampleSet valid;
  private final ExampleSet test;
  private final PrintStream out;

  public ModelComparison(InfnetConfig config, FeatureSchema schema, ExampleSet train, ExampleSet valid, ExampleSet test,
      PrintStream out) {
    this.config = config;
    this.schema = schema;
    this.train = train;
    this.valid = valid;
    this.test = test;
    this.out = out;
  }

  /** Validation points so far, in run order. */
  public List<CurvePoint> curves() {
    return List.copyOf(curves);
  }

  /** The oracle's test metrics (the generator's true probabilities), when the table carries them. */
  public List<TaskResult> oracle() {
    List<TaskResult> o = new ArrayList<>();
    for (int k = 0; k < schema.tasks().size(); k++) {
      float[] p = test.oracle(k);
      if (p == null) return List.of();
      o.add(metrics("oracle", 0, k, p, test.labels(k)));
    }
    return o;
  }

  /**
   * Every variant with every seed, in that order; the files ({@link ComparisonReport}) are rewritten after each run,
   * so that an interrupted comparison keeps what it measured. @param header what was compared, for summary.md
   */
  public String runAll(List<Variant> variants, List<Long> seeds, Path outDir, String title, String header) throws IOException {
    List<TaskResult> oracle = oracle();
    Files.createDirectories(outDir);
    for (Variant v : variants) {
      for (long seed : seeds) {
        run(v, seed);
        ComparisonReport.write(outDir, this, oracle, title, header);
      }
    }
    return ComparisonReport.summaryTable(this, oracle);
  }

  public void run(Variant variant, long seed) {
    List<String> sets = new ArrayList<>(variant.sets());
    sets.add(Keys.TRAIN_SEED.name() + "=" + seed);
    InfnetConfig c = config.with(sets.toArray(new String[0]));
    ModelSpec spec = ModelSpec.from(c, schema);
    TrainingOptions options = TrainingOptions.from(c);
    int batchSize = c.get(Keys.TRAIN_BATCH_SIZE);
    Device device = c.get(Keys.TRAIN_DEVICE) == DeviceKind.GPU ? Device.gpu() : Device.cpu();
    boolean sharded = options.embeddingUpdate() == io.infnet.config.choices.EmbeddingUpdate.SHARDED; // one worker holds every shard
    try (NetworkModel model = sharded ? Models.createWithTablesElsewhere(spec, seed, device) : (NetworkModel) Models.create(spec, seed, device);
        Trainer trainer = new Trainer(model, options)) {
      GradientMeter meter = new GradientMeter(trainer);
      int[] epochCounter = {0};
      long start = System.nanoTime();
      TrainingResult result = TrainingLoop.fit(trainer,
          () -> train.shuffled(batchSize, seed, ++epochCounter[0]),
          () -> valid.batches(batchSize),
          new TrainingListener() {
            @Override
            public void onStep(StepEvent step) {
              meter.add();
            }

            @Override
            public void onEpoch(int epoch, Map<String, Double> auc, Map<String, Double> logloss) {
              meter.flush(variant.name(), seed, epoch, model, gradients);
              probeActivations(variant.name(), seed, epoch, model);
              out.printf(Locale.ROOT, "compare: %s seed %d epoch %d valid AUC %s%n", variant.name(), seed, epoch, format(auc));
            }
          });
      double seconds = (System.nanoTime() - start) / 1e9;
      for (EpochRecord e : result.history()) {
        curves.add(new CurvePoint(variant.name(), seed, e.epoch(), e.trainLoss(), e.validAuc(), e.validLogloss()));
      }
      runs.add(new Run(variant.name(), seed, model.parameterCount(), seconds, result.epochsRun(), result.bestEpoch()));
      float[][] predictions = predict(model, test);
      for (int k = 0; k < schema.tasks().size(); k++) {
        float[] p = new float[test.size()];
        for (int r = 0; r < p.length; r++) p[r] = predictions[r][k];
        TaskResult t = metrics(variant.name(), seed, k, p, test.labels(k));
        results.add(t);
      }
      out.printf(Locale.ROOT, "compare: %s seed %d: best epoch %d of %d, %.0f s, test AUC %s%n", variant.name(), seed,
          result.bestEpoch(), result.epochsRun(), seconds, format(testAuc(variant.name(), seed)));
    }
  }

  /** Activation statistics on the first validation rows (up to 8 batches of 1024). */
  private void probeActivations(String variant, long seed, int epoch, NetworkModel model) {
    Iterator<Batch> all = valid.batches(1024);
    List<Batch> sample = new ArrayList<>();
    while (all.hasNext() && sample.size() < 8) sample.add(all.next());
    model.probe(sample.iterator()).forEach((k, v) -> activations.add(new ActivationPoint(variant, seed, epoch, k, v)));
  }

  private Map<String, Double> testAuc(String variant, long seed) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (TaskResult t : results) if (t.variant().equals(variant) && t.seed() == seed) m.put(t.task(), t.auc());
    return m;
  }

  private static String format(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(String.format(Locale.ROOT, "%.4f", v)));
    return sb.toString();
  }

  private static float[][] predict(NetworkModel model, ExampleSet split) {
    float[][] all = new float[split.size()][];
    int r = 0;
    for (Iterator<Batch> it = split.batches(4096); it.hasNext(); ) {
      for (float[] row : model.predict(it.next())) all[r++] = row;
    }
    return all;
  }

  private TaskResult metrics(String variant, long seed, int k, float[] p, float[] y) {
    int n = 0;
    float[] scores = new float[p.length];
    float[] labels = new float[p.length];
    long[] groups = new long[p.length];
    for (int r = 0; r < p.length; r++) {
      if (Float.isNaN(y[r]) || Float.isNaN(p[r])) continue;
      scores[n] = p[r];
      labels[n] = y[r];
      groups[n++] = test.users()[r];
    }
    return new TaskResult(variant, seed, schema.tasks().get(k), Metrics.auc(scores, labels, n),
        Metrics.groupAuc(scores, labels, groups, n)[0], Metrics.logloss(scores, labels, n));
  }

  /** Sums per-component gradient norms over an epoch's steps. */
  private static final class GradientMeter {
    private final Trainer trainer;
    private static final int EVERY = 8;
    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int steps;
    private long calls;

    GradientMeter(Trainer trainer) {
      this.trainer = trainer;
    }

    /** Every {@link #EVERY}-th step only: the norms walk every gradient value, a cost comparable to the update. */
    void add() {
      if (calls++ % EVERY != 0) return;
      Gradients g = trainer.gradients();
      Map<String, Double> squares = new LinkedHashMap<>();
      for (Gradients.Tensor t : g.tensors()) {
        double s = 0;
        for (float v : t.values()) s += (double) v * v;
        squares.merge(component(t.name()), s, Double::sum);
      }
      double scale = 1.0 / g.samples();
      squares.forEach((c, s) -> sums.merge(c, Math.sqrt(s) * scale, Double::sum));
      steps++;
    }

    void flush(String variant, long seed, int epoch, NetworkModel model, List<GradientPoint> into) {
      Map<String, Double> weightSquares = new LinkedHashMap<>();
      model.weightsByName().forEach((name, w) -> {
        double s = 0;
        for (float v : w) s += (double) v * v;
        weightSquares.merge(component(name), s, Double::sum);
      });
      for (Map.Entry<String, Double> e : sums.entrySet()) {
        into.add(new GradientPoint(variant, seed, epoch, e.getKey(), e.getValue() / Math.max(1, steps),
            Math.sqrt(weightSquares.getOrDefault(e.getKey(), 0.0))));
      }
      sums.clear();
      steps = 0;
    }

    /** A parameter's component: its first two name segments ("block_0.task_from_cat", "tokens.embedding"). */
    static String component(String name) {
      String[] parts = name.split("\\.");
      return parts.length <= 2 ? parts[0] : parts[0] + "." + parts[1];
    }
  }
}
