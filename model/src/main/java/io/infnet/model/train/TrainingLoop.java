package io.infnet.model.train;

import io.infnet.model.NetworkModel;
import io.infnet.model.data.Batch;
import io.infnet.model.eval.Evaluation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Epochs over a re-iterable training set, validation after each epoch, early stopping on the mean validation AUC
 * over tasks (train.patience epochs without improvement), train.max_steps; the model ends with the best epoch's
 * weights. Without a validation set every epoch runs and the last one counts as best.
 */
public final class TrainingLoop {
  private TrainingLoop() {}

  /**
   * @param train a fresh iterator over the training batches per call (one call per epoch)
   * @param valid a fresh iterator over validation batches, or null
   */
  public static TrainingResult fit(Trainer trainer, Supplier<Iterator<Batch>> train, Supplier<Iterator<Batch>> valid,
                                   TrainingListener listener) {
    TrainingOptions options = trainer.options();
    TrainingListener events = listener == null ? new TrainingListener() {} : listener;
    NetworkModel model = (NetworkModel) trainer.model();
    List<EpochRecord> history = new ArrayList<>();
    EarlyStopping stopping = new EarlyStopping(options.patience());
    int epoch = 0;
    while (epoch < options.epochs() && !maxStepsReached(trainer)) {
      epoch++;
      EpochTotals totals = trainEpoch(trainer, train.get(), epoch, events);
      if (epoch == 1 && trainer.options().totalSteps() == 0) trainer.setTotalSteps(totals.steps * options.epochs());
      Evaluation evaluation = valid == null ? null : evaluate(model, valid.get());
      Map<String, Double> auc = evaluation == null ? Map.of() : evaluation.auc();
      Map<String, Double> logloss = evaluation == null ? Map.of() : evaluation.logloss();
      events.onEpoch(epoch, auc, logloss);
      history.add(new EpochRecord(epoch, totals.steps, totals.meanLoss(), totals.samplesPerSecond(), auc, logloss));
      double score = evaluation == null ? epoch : Evaluation.meanAuc(auc);
      if (stopping.update(epoch, score, auc, model::weightsByName)) break;
    }
    if (stopping.bestWeights() != null) model.setWeights(stopping.bestWeights());
    return new TrainingResult(epoch, stopping.bestEpoch(), stopping.bestAuc(), history);
  }

  private static boolean maxStepsReached(Trainer trainer) {
    long max = trainer.options().maxSteps();
    return max > 0 && trainer.stepCount() >= max;
  }

  private static final class EpochTotals {
    long steps;
    long samples;
    double lossSum;
    long nanos;

    double meanLoss() {
      return steps == 0 ? Double.NaN : lossSum / steps;
    }

    double samplesPerSecond() {
      return nanos == 0 ? 0 : samples / (nanos / 1e9);
    }
  }

  private static EpochTotals trainEpoch(Trainer trainer, Iterator<Batch> batches, int epoch, TrainingListener events) {
    EpochTotals totals = new EpochTotals();
    while (batches.hasNext() && !maxStepsReached(trainer)) {
      Batch batch = batches.next();
      if (batch.size() == 0) continue;
      long start = System.nanoTime();
      StepResult r = trainer.step(batch);
      long took = System.nanoTime() - start;
      totals.steps++;
      totals.samples += r.samples();
      totals.lossSum += r.loss();
      totals.nanos += took;
      events.onStep(epoch, r, r.samples() / (took / 1e9));
    }
    return totals;
  }

  /** Predictions of every validation batch, accumulated per task over labeled rows. */
  public static Evaluation evaluate(io.infnet.model.RankingModel model, Iterator<Batch> batches) {
    Evaluation evaluation = new Evaluation(model.spec().schema().tasks());
    while (batches.hasNext()) {
      Batch batch = batches.next();
      evaluation.add(batch, model.predict(batch));
    }
    return evaluation;
  }
}
