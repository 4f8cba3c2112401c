package io.infnet.model.train;

import io.infnet.model.NetworkModel;
import io.infnet.model.data.Batch;
import io.infnet.model.eval.Evaluation;
import java.io.IOException;
import java.util.Iterator;

/**
 * How the validation batches of an epoch become its metrics: {@link #LOCAL} predicts them all in this JVM; a worker of
 * a data-parallel run predicts its shard of the rows and merges every worker's predictions (the distributed trainer's
 * sharded validation), so every worker gets the same metrics and early stopping decides the same everywhere.
 */
public interface ValidationEvaluator {
  Evaluation evaluate(NetworkModel model, Iterator<Batch> batches) throws IOException;

  ValidationEvaluator LOCAL = TrainingLoop::evaluate;
}
