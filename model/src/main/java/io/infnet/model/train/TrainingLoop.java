package io.infnet.model.train;

import io.infnet.model.NetworkModel;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.eval.Evaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The one training loop, for a single JVM and for every worker of a data-parallel run: epochs, the learning-rate
 * horizon, the gradient reduction of every step, validation after each epoch, early stopping on the mean validation
 * AUC over tasks (train.patience epochs without improvement), train.max_steps, the metric history and when to
 * checkpoint. The model ends with the best epoch's weights; without validation rows every epoch counts, the last as
 * best. What differs between one JVM and a worker is plugged in: the {@link TrainingData}, the
 * {@link GradientReduction}, the {@link ValidationEvaluator}, the {@link Checkpoints} store and the {@link TrainingListener}.
 *
 * <p>Exactness: every worker runs this loop over its slice of the same global batches with the same reduced
 * gradients and gets the same validation metrics, so every replica takes the same steps and stops at the same epoch.
 */
public final class TrainingLoop {
  private final Trainer trainer;
  private final NetworkModel model;
  private final TrainingData data;
  private final Supplier<Iterator<Batch>> validation;
  private GradientReduction reduction = GradientReduction.LOCAL;
  private ValidationEvaluator evaluator = ValidationEvaluator.LOCAL;
  private Checkpoints checkpoints = Checkpoints.NONE;
  private int checkpointEvery;
  private int logEvery = Integer.MAX_VALUE;
  private TrainingListener listener = new TrainingListener() {};
  private final EarlyStopping stopping;
  private final List<MetricRecord> metrics = new ArrayList<>();
  private final List<EpochRecord> epochs = new ArrayList<>();
  private int epochsDone;
  private double windowLoss;
  private long windowSteps;

  /**
   * @param validation a fresh iterator over the validation batches per call, or null for none
   */
  public TrainingLoop(Trainer trainer, TrainingData data, Supplier<Iterator<Batch>> validation) {
    this.trainer = trainer;
    this.model = (NetworkModel) trainer.model();
    this.data = data;
    this.validation = validation;
    this.stopping = new EarlyStopping(trainer.options().patience());
  }

  /** The identity by default; the distributed trainer's all-reduce for a worker. */
  public TrainingLoop reduceWith(GradientReduction reduction) {
    this.reduction = reduction;
    return this;
  }

  /** {@link ValidationEvaluator#LOCAL} by default; a worker's sharded validation with merged metrics. */
  public TrainingLoop evaluateWith(ValidationEvaluator evaluator) {
    this.evaluator = evaluator;
    return this;
  }

  /** Saves after every epoch and every {@code everySteps} steps within one (0 = after epochs only); restores first. */
  public TrainingLoop checkpointTo(Checkpoints checkpoints, int everySteps) {
    this.checkpoints = checkpoints;
    this.checkpointEvery = everySteps;
    return this;
  }

  /** Records the mean training loss into the metric history every {@code steps} steps and at the end of each epoch. */
  public TrainingLoop logLossEvery(int steps) {
    this.logEvery = steps;
    return this;
  }

  public TrainingLoop listen(TrainingListener listener) {
    this.listener = listener;
    return this;
  }

  /** Single-JVM training: {@code train} gives a fresh pass over the training batches per call (one call per epoch). */
  public static TrainingResult fit(Trainer trainer, Supplier<Iterator<Batch>> train, Supplier<Iterator<Batch>> valid,
                                   TrainingListener listener) {
    TrainingLoop loop = new TrainingLoop(trainer, TrainingData.of(train), valid);
    if (listener != null) loop.listen(listener);
    try {
      return loop.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the local reduction and store do no I/O
    }
  }

  public TrainingResult run() throws IOException {
    OptionalLong stepsPerEpoch = data.stepsPerEpoch();
    int maxEpochs = trainer.options().epochs();
    if (stepsPerEpoch.isPresent() && trainer.options().maxSteps() == 0) trainer.setTotalSteps(stepsPerEpoch.getAsLong() * maxEpochs);
    restore();
    boolean stopped = false;
    while (!stopped && epochsDone < maxEpochs && !maxStepsReached()) {
      int epoch = epochsDone + 1;
      long firstStep = stepsPerEpoch.isPresent() ? trainer.stepCount() - (epoch - 1) * stepsPerEpoch.getAsLong() : 0;
      EpochTotals totals = trainEpoch(epoch, firstStep);
      if (epoch == 1 && trainer.options().totalSteps() == 0) trainer.setTotalSteps(totals.steps * maxEpochs);
      epochsDone = epoch;
      stopped = validate(epoch, totals);
      checkpoints.save(trainer, state(), stopping.bestWeights());
    }
    if (stopping.bestWeights() != null) trainer.restoreWeights(stopping.bestWeights());
    return new TrainingResult(epochs, state());
  }

  /** The loop's state now (what a checkpoint stores besides the trainer and the best weights). */
  public LoopState state() {
    return new LoopState(epochsDone, Double.isFinite(stopping.bestScore()) ? stopping.bestScore() : Double.NaN,
        stopping.bestEpoch(), stopping.bestAuc(), metrics, windowLoss, windowSteps);
  }

  private void restore() throws IOException {
    checkpoints.restoreLatest(trainer).ifPresent(saved -> {
      LoopState s = saved.state();
      epochsDone = s.epochsDone();
      metrics.addAll(s.history());
      windowLoss = s.openLossSum();
      windowSteps = s.openLossSteps();
      stopping.restore(Double.isNaN(s.bestScore()) ? Double.NEGATIVE_INFINITY : s.bestScore(), s.bestEpoch(), s.bestAuc(),
          saved.bestWeights());
    });
  }

  private boolean maxStepsReached() {
    long max = trainer.options().maxSteps();
    return max > 0 && trainer.stepCount() >= max;
  }

  private EpochTotals trainEpoch(int epoch, long firstStep) throws IOException {
    EpochTotals totals = new EpochTotals();
    Iterator<Batch> batches = data.epoch(epoch, firstStep);
    while (batches.hasNext() && !maxStepsReached()) {
      Batch batch = batches.next();
      long start = System.nanoTime();
      Gradients local;
      double localLossSum = 0;
      if (batch.size() > 0) {
        StepResult r = trainer.computeGradients(batch);
        local = trainer.gradients();
        localLossSum = r.loss() * r.samples();
      } else {
        local = trainer.zeroGradients();
      }
      long reduceStart = System.nanoTime();
      GradientReduction.Reduced reduced = reduction.reduce(local, localLossSum);
      long reduceEnd = System.nanoTime();
      if (reduced.gradients().samples() == 0) continue; // no rows anywhere in this step: nothing to learn from
      trainer.applyUpdate(reduced.gradients());
      StepEvent event = new StepEvent(epoch, trainer.stepCount(), reduced.gradients().samples(), reduced.meanLoss(),
          (reduceStart - start) + (System.nanoTime() - reduceEnd), reduceEnd - reduceStart);
      totals.add(event);
      windowLoss += reduced.meanLoss();
      windowSteps++;
      listener.onStep(event);
      boolean epochEnds = !batches.hasNext() || maxStepsReached();
      if (windowSteps % logEvery == 0 || epochEnds) {
        metrics.add(new MetricRecord(epoch, trainer.stepCount(), "train", "all", "loss", windowLoss / windowSteps));
        windowLoss = 0;
        windowSteps = 0;
      }
      if (checkpointEvery > 0 && trainer.stepCount() % checkpointEvery == 0 && !epochEnds) {
        checkpoints.save(trainer, state(), stopping.bestWeights());
      }
    }
    return totals;
  }

  /** Returns true when early stopping says to stop. Every worker gets the same metrics (the evaluator's contract). */
  private boolean validate(int epoch, EpochTotals totals) throws IOException {
    Evaluation evaluation = validation == null ? null : evaluator.evaluate(model, validation.get());
    Map<String, Double> auc = evaluation == null ? Map.of() : evaluation.auc();
    Map<String, Double> logloss = evaluation == null ? Map.of() : evaluation.logloss();
    auc.forEach((task, v) -> metrics.add(new MetricRecord(epoch, trainer.stepCount(), "valid", task, "auc", v)));
    logloss.forEach((task, v) -> metrics.add(new MetricRecord(epoch, trainer.stepCount(), "valid", task, "logloss", v)));
    listener.onEpoch(epoch, auc, logloss);
    epochs.add(new EpochRecord(epoch, totals.steps, totals.meanLoss(), totals.samplesPerSecond(), auc, logloss));
    double score = auc.isEmpty() ? epoch : Evaluation.meanAuc(auc);
    return stopping.update(epoch, score, auc, trainer::snapshotWeights);
  }

  /** Predictions of every validation batch, accumulated per task over labeled rows. */
  public static Evaluation evaluate(RankingModel model, Iterator<Batch> batches) {
    Evaluation evaluation = new Evaluation(model.spec().schema().tasks());
    while (batches.hasNext()) {
      Batch batch = batches.next();
      evaluation.add(batch, model.predict(batch));
    }
    return evaluation;
  }

  private static final class EpochTotals {
    long steps;
    long samples;
    double lossSum;
    long nanos;

    void add(StepEvent e) {
      steps++;
      samples += e.samples();
      lossSum += e.meanLoss();
      nanos += e.computeNanos() + e.reduceNanos();
    }

    double meanLoss() {
      return steps == 0 ? Double.NaN : lossSum / steps;
    }

    double samplesPerSecond() {
      return nanos == 0 ? 0 : samples / (nanos / 1e9);
    }
  }
}
