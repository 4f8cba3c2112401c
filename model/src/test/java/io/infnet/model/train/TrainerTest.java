package io.infnet.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import io.infnet.model.eval.Evaluation;
import io.infnet.model.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  static TrainingOptions options(String... overrides) {
    List<String> all = new ArrayList<>(List.of("train.learning_rate=0.01", "train.warmup_steps=10", "train.threads=1"));
    all.addAll(List.of(overrides));
    return TrainingOptions.from(InfnetConfig.defaults().with(all.toArray(new String[0])));
  }

  static List<Batch> batches(ModelSpec spec, int count, int rows, long seed) {
    Random random = new Random(seed);
    List<Batch> out = new ArrayList<>();
    for (int i = 0; i < count; i++) out.add(Synthetic.batch(spec.schema(), rows, random));
    return out;
  }

  /** Each task's label depends on a different field; after a few hundred steps every task must be learned. */
  @Test
  void learnsAPlantedSignalPerTask() {
    ModelSpec spec = Synthetic.spec();
    List<Batch> train = batches(spec, 40, 128, 11);
    List<Batch> valid = batches(spec, 4, 256, 12);
    try (RankingModel model = Models.create(spec, 1); Trainer trainer = new Trainer(model, options())) {
      double firstLoss = trainer.step(train.get(0)).loss();
      double lastLoss = 0;
      for (int epoch = 0; epoch < 8; epoch++) for (Batch b : train) lastLoss = trainer.step(b).loss();
      assertTrue(lastLoss < firstLoss * 0.7, "loss " + firstLoss + " -> " + lastLoss);
      Map<String, Double> auc = TrainingLoop.evaluate(model, valid.iterator()).auc();
      for (Map.Entry<String, Double> e : auc.entrySet()) assertTrue(e.getValue() > 0.8, "AUC of " + e.getKey() + " = " + e.getValue());
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"adam,0", "adamw,0.01", "adagrad,0.001"})
  void everyOptimizerReducesTheLoss(String optimizer, double weightDecay) {
    ModelSpec spec = Synthetic.spec();
    List<Batch> train = batches(spec, 10, 128, 71);
    try (RankingModel model = Models.create(spec, 7);
         Trainer trainer = new Trainer(model, options("train.optimizer=" + optimizer, "train.weight_decay=" + weightDecay,
             "train.learning_rate=0.02"))) {
      double first = 0;
      double last = 0;
      for (int epoch = 0; epoch < 4; epoch++) {
        double sum = 0;
        for (Batch b : train) sum += trainer.step(b).loss();
        if (epoch == 0) first = sum;
        last = sum;
      }
      assertTrue(last < first * 0.9, optimizer + ": epoch loss " + first + " -> " + last);
      assertEquals(40, trainer.stepCount());
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
  void sameSeedGivesSameLosses(int threads) {
    ModelSpec spec = Synthetic.spec("model.dropout=0.2");
    List<Batch> train = batches(spec, 5, 64, 21);
    assertArrayEquals(losses(spec, train, threads), losses(spec, train, threads));
  }

  private static double[] losses(ModelSpec spec, List<Batch> train, int threads) {
    try (RankingModel model = Models.create(spec, 3); Trainer trainer = new Trainer(model, options("train.threads=" + threads))) {
      return train.stream().mapToDouble(b -> trainer.step(b).loss()).toArray();
    }
  }

  @Test
  void restoredCheckpointGivesTheSameNextLoss(@TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec("model.dropout=0.1");
    List<Batch> train = batches(spec, 6, 64, 31);
    double expected;
    try (RankingModel model = Models.create(spec, 4); Trainer trainer = new Trainer(model, options("train.optimizer=adamw", "train.weight_decay=0.01"))) {
      for (int i = 0; i < 4; i++) trainer.step(train.get(i));
      trainer.saveCheckpoint(dir);
      trainer.step(train.get(4));
      expected = trainer.step(train.get(5)).loss();
    }
    try (RankingModel model = Models.create(spec, 99); Trainer trainer = new Trainer(model, options("train.optimizer=adamw", "train.weight_decay=0.01"))) {
      trainer.restoreCheckpoint(dir);
      assertEquals(4, trainer.stepCount());
      trainer.step(train.get(4));
      assertEquals(expected, trainer.step(train.get(5)).loss(), 0.0);
    }
  }

  @Test
  void stepsAndPredictionsLeaveNoArraysBehind() {
    ModelSpec spec = Synthetic.spec("model.dropout=0.1");
    List<Batch> train = batches(spec, 3, 32, 81);
    try (RankingModel model = Models.create(spec, 8); Trainer trainer = new Trainer(model, options())) {
      ai.djl.ndarray.NDManager manager = ((io.infnet.model.NetworkModel) model).manager();
      trainer.step(train.get(0));
      model.predict(train.get(0));
      int before = manager.getManagedArrays().size();
      for (int i = 0; i < 10; i++) {
        trainer.step(train.get(i % 3));
        model.predict(train.get(i % 3));
      }
      assertEquals(before, manager.getManagedArrays().size());
    }
  }

  /** Also with train.embedding_update = rows: the exchanged row-sparse form then comes straight from the U×d rows. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"dense", "rows"})
  void shardedGradientsSumToTheWholeBatchGradient(String embeddingUpdate) {
    ModelSpec spec = Synthetic.spec();
    Random random = new Random(41);
    Batch whole = new Batch(spec.schema(), 40);
    Batch first = new Batch(spec.schema(), 25);
    Batch second = new Batch(spec.schema(), 15);
    for (int i = 0; i < 40; i++) {
      long seed = random.nextLong();
      Synthetic.addRow(whole, spec.schema(), new Random(seed));
      Synthetic.addRow(i < 25 ? first : second, spec.schema(), new Random(seed));
    }
    try (RankingModel model = Models.create(spec, 5); Trainer trainer = new Trainer(model, options("train.embedding_update=" + embeddingUpdate))) {
      trainer.computeGradients(whole);
      Gradients all = trainer.gradients();
      trainer.computeGradients(first);
      Gradients a = trainer.gradients();
      trainer.computeGradients(second);
      Gradients sum = a.plus(Gradients.fromBytes(trainer.gradients().toBytes()));
      assertEquals(40, sum.samples());
      for (Gradients.Tensor t : all.tensors()) {
        float[] expected = t.dense();
        float[] actual = sum.get(t.name()).dense();
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4 + 1e-3 * Math.abs(expected[i]), t.name() + "[" + i + "]");
      }
      Gradients.Tensor table = all.get("tokens.embedding.table");
      assertTrue(table.isSparse() && table.rows().length < table.shape()[0], "embedding gradients list touched rows");
    }
  }

  @Test
  void trainingLoopStopsEarlyAndKeepsTheBestEpoch() {
    ModelSpec spec = Synthetic.spec();
    List<Batch> train = batches(spec, 10, 64, 51);
    List<Batch> valid = batches(spec, 2, 128, 52);
    List<Integer> epochsSeen = new ArrayList<>();
    try (RankingModel model = Models.create(spec, 6);
         Trainer trainer = new Trainer(model, options("train.epochs=6", "train.patience=1", "train.learning_rate=0.05"))) {
      TrainingResult result = TrainingLoop.fit(trainer, train::iterator, valid::iterator, new TrainingListener() {
        @Override
        public void onEpoch(int epoch, Map<String, Double> auc, Map<String, Double> logloss) {
          epochsSeen.add(epoch);
        }
      });
      assertEquals(result.epochsRun(), epochsSeen.size());
      assertEquals(result.epochsRun(), result.history().size());
      double best = result.history().stream().mapToDouble(h -> Evaluation.meanAuc(h.validAuc())).max().orElseThrow();
      assertEquals(best, Evaluation.meanAuc(result.bestValidAuc()), 1e-12);
      // the model holds the best epoch's weights
      assertEquals(best, Evaluation.meanAuc(TrainingLoop.evaluate(model, valid.iterator()).auc()), 1e-9);
      assertTrue(trainer.options().totalSteps() == 60, "cosine horizon set from the first epoch");
    }
  }

  /**
   * Clipping is checked where it acts: on the gradient the optimizer received. After one Adam step the first moment
   * is (1 - β1) × that gradient, so the checkpointed moments measure it independently of the trainer's own report.
   */
  @Test
  void gradientClippingBoundsTheGradientTheOptimizerReceives(@TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec();
    Batch batch = batches(spec, 1, 64, 91).get(0);
    double clip = 1e-3;
    FirstStep clipped = firstStep(spec, batch, clip, dir.resolve("clipped"));
    FirstStep off = firstStep(spec, batch, 0, dir.resolve("off"));
    FirstStep loose = firstStep(spec, batch, 1000, dir.resolve("loose"));
    double raw = off.gradientNorm();
    assertTrue(raw > clip, "raw gradient norm " + raw + " must exceed the clip for the test to mean anything");
    assertEquals(raw, clipped.gradientNorm(), 0.0, "same model and batch, same raw gradient");

    assertTrue(clipped.updateNorm() <= clip + 1e-6, "clipped norm " + clipped.updateNorm());
    assertEquals(clip, clipped.updateNorm(), 1e-9);
    assertEquals(raw, off.updateNorm(), 0.0, "clip 0 = off");
    assertEquals(raw, loose.updateNorm(), 0.0, "a norm below the clip is left alone");
    assertEquals(clip, clipped.firstMomentNorm() / 0.1, 1e-4 * clip);
    assertEquals(raw, off.firstMomentNorm() / 0.1, 1e-4 * raw);

    // clipping scales the whole gradient (direction kept): every first-moment entry by clip / raw
    for (Map.Entry<String, float[]> e : off.firstMoments().entrySet()) {
      float[] unclippedMoment = e.getValue();
      float[] clippedMoment = clipped.firstMoments().get(e.getKey());
      for (int i = 0; i < unclippedMoment.length; i++) {
        double expected = unclippedMoment[i] * clip / raw;
        assertEquals(expected, clippedMoment[i], 1e-12 + 1e-4 * Math.abs(expected), e.getKey() + "[" + i + "]");
      }
    }
    assertFalse(Arrays.equals(off.firstMoments().get("m/towers.output_bias"), clipped.firstMoments().get("m/towers.output_bias")));
  }

  private record FirstStep(double gradientNorm, double updateNorm, Map<String, float[]> firstMoments) {
    double firstMomentNorm() {
      double sum = 0;
      for (float[] m : firstMoments.values()) for (float v : m) sum += (double) v * v;
      return Math.sqrt(sum);
    }
  }

  /** One Adam step on a fresh model (same seed every time) with this clip; the first moments read from a checkpoint. */
  private static FirstStep firstStep(ModelSpec spec, Batch batch, double clip, Path dir) throws Exception {
    try (RankingModel model = Models.create(spec, 13); Trainer trainer = new Trainer(model, options("train.grad_clip_norm=" + clip))) {
      trainer.step(batch);
      trainer.saveCheckpoint(dir);
      Map<String, float[]> moments = new TreeMap<>();
      SafeTensors.read(Files.readAllBytes(dir.resolve("optimizer.safetensors"))).tensors().forEach((name, t) -> {
        if (name.startsWith("m/")) moments.put(name, t.values());
      });
      return new FirstStep(trainer.lastGradientNorm(), trainer.lastUpdateNorm(), moments);
    }
  }
}
