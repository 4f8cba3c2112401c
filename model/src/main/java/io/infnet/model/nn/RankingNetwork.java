package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import io.infnet.model.ModelSpec;

/** A multi-task ranking network: model inputs to one logit per task. */
public abstract class RankingNetwork extends Module {
  protected final ModelSpec spec;

  protected RankingNetwork(ModelSpec spec) {
    this.spec = spec;
  }

  public ModelSpec spec() {
    return spec;
  }

  /** Records each task's tower input (B, K, w) with the pass's probe. */
  protected final void probeTowerInputs(Pass pass, NDArray towerInput) {
    if (pass.probe() == Probe.OFF) return;
    List<String> tasks = spec.schema().tasks();
    for (int k = 0; k < tasks.size(); k++) pass.probe().tokens("tower_input." + tasks.get(k), towerInput.get(":, " + k + ", :"));
  }

  /** @return logits (B, K), task order = schema.tasks() */
  public abstract NDArray logits(Pass pass, ModelInputs inputs);

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(logits(new Pass(store, training), ModelInputs.fromList(inputs, spec.schema())));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), spec.taskCount())};
  }

  /** A learnable (n, d) token matrix, the same for every sample: (B, n, d). */
  protected static NDArray perSample(NDArray tokens, long batch) {
    Shape s = tokens.getShape();
    return tokens.expandDims(0).broadcast(batch, s.get(0), s.get(1));
  }
}
