package io.infnet.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.infnet.model.ModelSpec;
import io.infnet.model.NetworkModel;
import io.infnet.model.data.Batch;
import io.infnet.model.nn.CrossAttention;
import io.infnet.model.nn.FeatureEmbedding;
import io.infnet.model.nn.FeatureTokens;
import io.infnet.model.nn.ForwardFlops;
import io.infnet.model.nn.ForwardFlops.Component;
import io.infnet.model.nn.ForwardFlops.Form;
import io.infnet.model.nn.ForwardFlops.Term;
import io.infnet.model.nn.ModelInputs;
import io.infnet.model.nn.Module;
import io.infnet.model.nn.Ops;
import io.infnet.model.nn.Pass;
import io.infnet.model.nn.ProxyGatedUnit;
import io.infnet.model.nn.TaskTowers;
import io.infnet.schema.FeatureSchema;
import java.util.List;
import java.util.function.Function;

/**
 * Where the time of an INFNet step goes. Forward: each component alone, at the shapes it has in the model (one
 * module of each kind, fresh weights, random inputs; inference mode), against the whole forward. Training: the
 * trainer's phases. Per component the achieved GFLOP/s of its {@link ForwardFlops} terms.
 */
final class ComponentProfile {
  private static final int WARMUP = 1;
  private static final int RUNS = 5;
  private static final double BUDGET_SECONDS = 10;
  private final ModelSpec spec;
  private final NDManager manager;
  private final Pass pass;
  private final int rows;

  private ComponentProfile(ModelSpec spec, NDManager manager, int rows) {
    this.spec = spec;
    this.manager = manager;
    this.pass = new Pass(new ParameterStore(manager, false), false);
    this.rows = rows;
  }

  static void print(NetworkModel model, Batch batch, ModelRun.TrainingTimes training) {
    JniUtils.setGradMode(false);
    try (NDManager manager = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
      new ComponentProfile(model.spec(), manager, batch.size()).printForward(model, batch);
    }
    printTraining(training, batch.size());
  }

  private void printForward(NetworkModel model, Batch batch) {
    ModelInputs inputs = ModelInputs.of(manager, batch);
    List<Term> modelFlops = ForwardFlops.of(spec, Form.MODEL);
    List<Term> executed = ForwardFlops.of(spec, Form.EXECUTED);
    double whole = seconds(() -> model.logits(inputs, false));
    double embeddings = seconds(embeddingLookups(inputs));
    FeatureTokens featureTokens = build(new FeatureTokens(spec));
    double tokens = seconds(() -> featureTokens.apply(pass, inputs));
    double attention = seconds(crossAttentions(modelFlops, inputs));
    double gates = seconds(proxyGatedUnits(modelFlops));
    double towers = seconds(towers());
    System.out.printf("profile: forward of batch %d, each component alone at its shapes in the model (inference mode, median ms):%n", rows);
    line("embedding lookups", embeddings, whole, 0, 0);
    line("event projections", tokens - embeddings, whole, flops(modelFlops, Component.EVENT_PROJECTION), flops(executed, Component.EVENT_PROJECTION));
    line("cross-attention (" + count(modelFlops, Component.CROSS_ATTENTION) + " calls)", attention, whole,
        flops(modelFlops, Component.CROSS_ATTENTION), flops(executed, Component.CROSS_ATTENTION));
    line("PGU (" + count(modelFlops, Component.PGU) + " calls)", gates, whole, flops(modelFlops, Component.PGU), flops(executed, Component.PGU));
    line("towers", towers, whole, flops(modelFlops, Component.TOWERS), flops(executed, Component.TOWERS));
    double rest = whole - embeddings - (tokens - embeddings) - attention - gates - towers;
    line("rest (proxies, LayerNorm, adds, concat)", rest, whole, flops(modelFlops, Component.PROXIES), flops(executed, Component.PROXIES));
    line("whole forward", whole, whole, ForwardFlops.total(modelFlops), ForwardFlops.total(executed));
  }

  private void line(String what, double seconds, double whole, long modelFlops, long executedFlops) {
    String rate = modelFlops == 0 ? "" : String.format("  %6.1f GFLOP/s model, %6.1f executed",
        modelFlops * rows / seconds / 1e9, executedFlops * rows / seconds / 1e9);
    System.out.printf("  %-44s %8.1f ms %5.1f%%%s%n", what, seconds * 1e3, 100 * seconds / whole, rate);
  }

  private static void printTraining(ModelRun.TrainingTimes t, int rows) {
    System.out.printf("profile: training step of batch %d (median ms): forward %.1f, backward %.1f, gradient flattening %.1f, "
        + "optimizer (native Adam on the device) %.1f; step %.1f%n", rows, t.forward() * 1e3, t.backward() * 1e3,
        t.gradientCopy() * 1e3, t.optimizer() * 1e3, t.step() * 1e3);
  }

  private Runnable embeddingLookups(ModelInputs inputs) {
    FeatureSchema schema = spec.schema();
    FeatureEmbedding embedding = build(new FeatureEmbedding(schema, spec.dim(), spec.embeddingLayout(), spec.initStd()));
    int[] allFields = java.util.stream.IntStream.range(0, schema.fields().size()).toArray();
    return () -> {
      embedding.lookup(pass, inputs.categorical(), allFields);
      for (int s = 0; s < schema.sequences().size(); s++) {
        int[] eventFields = schema.sequences().get(s).fields().stream().mapToInt(schema::fieldIndex).toArray();
        embedding.lookup(pass, inputs.sequences().get(s).ids(), eventFields);
      }
    };
  }

  private Runnable crossAttentions(List<Term> terms, ModelInputs inputs) {
    CrossAttention attention = build(new CrossAttention(spec.dim(), spec.heads(), null));
    NDArray seqMask = Ops.concat(inputs.sequences().stream().map(ModelInputs.SequenceInput::mask).toList(), 1);
    return forEachTerm(terms, Component.CROSS_ATTENTION, t -> {
      NDArray queries = tokens(t.queries());
      NDArray keys = tokens(t.keys());
      return () -> attention.apply(pass, queries, keys, t.masked() ? seqMask : null);
    });
  }

  private Runnable proxyGatedUnits(List<Term> terms) {
    return forEachTerm(terms, Component.PGU, t -> {
      ProxyGatedUnit gate = build(new ProxyGatedUnit((int) t.queries(), spec.dim(), spec.pguHiddenWidth(), 0));
      NDArray gated = tokens(t.keys());
      NDArray proxies = tokens(t.queries());
      return () -> gate.apply(pass, gated, proxies);
    });
  }

  private Runnable towers() {
    TaskTowers towers = build(new TaskTowers(spec.taskCount(), spec.dim(), spec.towerHidden(), 0));
    NDArray taskTokens = tokens(spec.taskCount());
    return () -> towers.apply(pass, taskTokens);
  }

  /** One call per term of a component; {@code prepare} makes its module and inputs now, outside the timed runs. */
  private static Runnable forEachTerm(List<Term> terms, Component component, Function<Term, Runnable> prepare) {
    List<Runnable> calls = terms.stream().filter(t -> t.component() == component).map(prepare).toList();
    return () -> calls.forEach(Runnable::run);
  }

  private NDArray tokens(long count) {
    return manager.randomNormal(new Shape(rows, count, spec.dim()));
  }

  private <M extends Module> M build(M module) {
    module.initializeParameters(manager, 1);
    return module;
  }

  private static double seconds(Runnable work) {
    return Timing.medianSeconds(() -> {
      try (NDScope scope = new NDScope()) {
        work.run();
      }
    }, WARMUP, RUNS, BUDGET_SECONDS);
  }

  private static long flops(List<Term> terms, Component component) {
    return terms.stream().filter(t -> t.component() == component).mapToLong(Term::flops).sum();
  }

  private static long count(List<Term> terms, Component component) {
    return terms.stream().filter(t -> t.component() == component).count();
  }
}
