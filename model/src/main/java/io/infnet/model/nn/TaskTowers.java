package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * K independent towers [in → hidden → 1], task k reading input row k, computed as one batched matmul over tasks.
 * Weights are stacked per task: hidden_weight (K, in, hidden) used as x·W, output_weight (K, hidden).
 */
public final class TaskTowers extends Module {
  private final int tasks;
  private final int hidden;
  private final double dropout;
  private final Parameter hiddenWeight;
  private final Parameter hiddenBias;
  private final Parameter outputWeight;
  private final Parameter outputBias;

  public TaskTowers(int tasks, int inputs, int hidden, double dropout) {
    this.tasks = tasks;
    this.hidden = hidden;
    this.dropout = dropout;
    this.hiddenWeight = parameter("hidden_weight", Init.xavier(inputs, hidden), tasks, inputs, hidden);
    this.hiddenBias = parameter("hidden_bias", Init.zeros(), tasks, hidden);
    this.outputWeight = parameter("output_weight", Init.xavier(hidden, 1), tasks, hidden);
    this.outputBias = parameter("output_bias", Init.zeros(), tasks);
  }

  /** @param x (B, K, in), row k the input of task k; @return logits (B, K) */
  public NDArray apply(Pass pass, NDArray x) {
    NDArray perTask = x.transpose(1, 0, 2);                                                   // (K,B,in)
    NDArray h = pass.precision().matMul(perTask, pass.value(hiddenWeight)).add(pass.value(hiddenBias).expandDims(1));
    h = Ops.dropout(pass, Ops.relu(h), dropout);                                               // (K,B,hidden)
    NDArray logits = pass.precision().matMul(h, pass.value(outputWeight).reshape(tasks, hidden, 1)).squeeze(2); // (K,B)
    return logits.add(pass.value(outputBias).expandDims(1)).transpose();                       // (B,K)
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(new Pass(store, training), inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), tasks)};
  }
}
