package io.infnet.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import io.infnet.model.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one loop's plug-in points: data with a known epoch length, checkpoints and resume, the reduction's role. */
class TrainingLoopTest {
  private static final ModelSpec SPEC = Synthetic.spec();
  private static final List<Batch> TRAIN = TrainerTest.batches(SPEC, 5, 64, 71);
  private static final List<Batch> VALID = TrainerTest.batches(SPEC, 2, 128, 72);

  /** Five steps per epoch, known up front, in an order that depends on the epoch (as the block schedule's does). */
  private static final TrainingData DATA = new TrainingData() {
    @Override
    public OptionalLong stepsPerEpoch() {
      return OptionalLong.of(TRAIN.size());
    }

    @Override
    public Iterator<Batch> epoch(int epoch, long firstStep) {
      List<Batch> out = new ArrayList<>();
      for (int s = (int) firstStep; s < TRAIN.size(); s++) out.add(TRAIN.get((s + epoch) % TRAIN.size()));
      return out.iterator();
    }
  };

  /** Checkpoints in a folder, as the lake store keeps them: the trainer's files, the loop state, the best weights. */
  private static final class FolderCheckpoints implements Checkpoints {
    private final Path root;
    private Path latest;

    FolderCheckpoints(Path root) {
      this.root = root;
    }

    @Override
    public void save(Trainer trainer, LoopState state, Map<String, float[]> best) throws IOException {
      latest = root.resolve("step-" + trainer.stepCount());
      trainer.saveCheckpoint(latest);
      Files.writeString(latest.resolve("loop.json"), io.infnet.json.Jsons.write(state));
      if (best != null) Files.write(latest.resolve("best.safetensors"), ((NetworkModel) trainer.model()).safetensors(best));
    }

    @Override
    public Optional<Saved> restoreLatest(Trainer trainer) throws IOException {
      if (latest == null) return Optional.empty();
      trainer.restoreCheckpoint(latest);
      LoopState state = io.infnet.json.Jsons.read(Files.readString(latest.resolve("loop.json")), LoopState.class, "loop.json");
      Path best = latest.resolve("best.safetensors");
      return Optional.of(new Saved(state, Files.exists(best) ? SafeTensors.read(Files.readAllBytes(best)).values() : null));
    }
  }

  private static TrainingResult run(Trainer trainer, Checkpoints checkpoints, TrainingListener listener) throws IOException {
    return new TrainingLoop(trainer, DATA, VALID::iterator).checkpointTo(checkpoints, 4).logLossEvery(2).listen(listener).run();
  }

  @Test
  void aRunKilledMidEpochAndResumedFromItsCheckpointEndsExactlyLikeAnUninterruptedOne(@TempDir Path dir) throws IOException {
    TrainingOptions options = TrainerTest.options("train.epochs=3", "train.patience=5");
    TrainingResult whole;
    Map<String, float[]> wholeWeights;
    try (NetworkModel model = (NetworkModel) Models.create(SPEC, 5); Trainer trainer = new Trainer(model, options)) {
      whole = run(trainer, new FolderCheckpoints(dir.resolve("a")), new TrainingListener() {});
      wholeWeights = model.weightsByName();
      assertEquals(3 * TRAIN.size(), trainer.stepCount());
      assertEquals(3 * TRAIN.size(), trainer.options().totalSteps(), "horizon set up front from the known epoch length");
    }
    FolderCheckpoints checkpoints = new FolderCheckpoints(dir.resolve("b"));
    try (NetworkModel model = (NetworkModel) Models.create(SPEC, 5); Trainer trainer = new Trainer(model, options)) {
      RuntimeException killed = assertThrows(RuntimeException.class, () -> run(trainer, checkpoints, new TrainingListener() {
        @Override
        public void onStep(StepEvent step) {
          if (step.step() == 9) throw new RuntimeException("worker killed"); // newest checkpoint: step 8, mid-epoch 2
        }
      }));
      assertEquals("worker killed", killed.getMessage());
    }
    try (NetworkModel model = (NetworkModel) Models.create(SPEC, 99); Trainer trainer = new Trainer(model, options)) {
      TrainingResult resumed = run(trainer, checkpoints, new TrainingListener() {});
      assertEquals(whole.state(), resumed.state(), "same epochs, early-stopping state and metric history");
      Map<String, float[]> weights = model.weightsByName();
      for (String name : wholeWeights.keySet()) assertArrayEquals(wholeWeights.get(name), weights.get(name), name);
    }
  }

  @Test
  void theMetricHistoryHoldsTheTrainingLossEveryLogIntervalAndEachEpochsValidation() throws IOException {
    try (NetworkModel model = (NetworkModel) Models.create(SPEC, 5);
         Trainer trainer = new Trainer(model, TrainerTest.options("train.epochs=2", "train.patience=5"))) {
      List<MetricRecord> history = run(trainer, Checkpoints.NONE, new TrainingListener() {}).state().history();
      // 5 steps per epoch, logged every 2 steps and at the epoch's end: 3 loss points per epoch
      assertEquals(6, history.stream().filter(m -> m.split().equals("train")).count());
      assertEquals(2L * SPEC.taskCount() * 2, history.stream().filter(m -> m.split().equals("valid")).count());
      assertTrue(history.stream().allMatch(m -> m.split().equals("valid") || Double.isFinite(m.value())));
    }
  }

  @Test
  void aReductionDecidesTheUpdateAndAStepWithoutRowsAnywhereIsSkipped() throws IOException {
    try (NetworkModel model = (NetworkModel) Models.create(SPEC, 5);
         Trainer trainer = new Trainer(model, TrainerTest.options("train.epochs=1", "train.learning_rate=0.05"))) {
      Map<String, float[]> before = model.weightsByName();
      // a "peer group" whose sum is zero over 64 rows: every step updates with a zero gradient
      new TrainingLoop(trainer, DATA, null).reduceWith((local, loss) -> new GradientReduction.Reduced(
          scaled(trainer.zeroGradients(), 64), 0.0)).run();
      assertEquals(TRAIN.size(), trainer.stepCount());
      Map<String, float[]> after = model.weightsByName();
      for (String name : before.keySet()) assertArrayEquals(before.get(name), after.get(name), name);

      List<Batch> withEmpty = new ArrayList<>(TRAIN);
      withEmpty.set(2, new Batch(SPEC.schema(), 1));
      TrainingResult r = new TrainingLoop(trainer, TrainingData.of(withEmpty::iterator), VALID::iterator).run();
      assertEquals(TRAIN.size() + TRAIN.size() - 1, trainer.stepCount(), "the local reduction of an empty batch has no rows: no step");
      assertEquals(1, r.bestEpoch());
    }
  }

  private static Gradients scaled(Gradients zeros, long samples) {
    return new Gradients(zeros.tensors(), samples);
  }
}
