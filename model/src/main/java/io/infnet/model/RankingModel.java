package io.infnet.model;

import io.infnet.model.data.Batch;

/** A trained or freshly initialised multi-task ranking model. */
public interface RankingModel extends AutoCloseable {
  ModelSpec spec();

  /** Probabilities [row][task], task order = schema.tasks(). Inference mode: no dropout, no gradients. */
  float[][] predict(Batch batch);

  long parameterCount();

  @Override
  void close();
}
