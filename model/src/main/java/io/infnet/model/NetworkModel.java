package io.infnet.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.infnet.model.data.Batch;
import io.infnet.model.io.ModelExport;
import io.infnet.model.io.SafeTensors;
import io.infnet.model.nn.Autocast;
import io.infnet.model.nn.Module.NamedParameter;
import io.infnet.model.nn.ModelInputs;
import io.infnet.model.nn.Ops;
import io.infnet.model.nn.Pass;
import io.infnet.model.nn.Probe;
import io.infnet.model.nn.RankingNetwork;
import io.infnet.model.nn.RowSource;
import io.infnet.model.nn.TouchedRows;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@link RankingNetwork} with its weights (float32, owned by one NDManager). Every parameter is initialised from
 * a stream seeded by (seed, parameter name): same seed, same weights, whatever else the model contains.
 * The engine-level accessors (parameters, logits, weights) serve the trainer and the exporter.
 */
public final class NetworkModel implements RankingModel {
  private final ModelSpec spec;
  private final RankingNetwork network;
  private final NDManager manager;
  private final ParameterStore store;
  private final Map<String, NamedParameter> parameters;
  private final Map<String, ByteBuffer> stagingBuffers = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<String> held; // parameters whose values are in this JVM: all, or all but the sharded tables
  private volatile RowSource rows; // where lookups read rows when the tables are held elsewhere

  NetworkModel(ModelSpec spec, RankingNetwork network, long seed, Device device, boolean holdsTables) {
    this.spec = spec;
    this.network = network;
    this.manager = NDManager.newBaseManager(device);
    this.store = new ParameterStore(manager, false);
    this.parameters = Collections.unmodifiableMap(network.namedParameters());
    this.held = new LinkedHashSet<>();
    parameters.values().forEach(p -> {
      if (holdsTables || !p.rowSparse()) held.add(p.name());
    });
    network.initializeParameters(manager, seed, ai.djl.ndarray.types.DataType.FLOAT32, holdsTables);
    // The store fills its per-parameter cache lazily and not atomically: fill it now, so that concurrent
    // predict calls (Spark tasks sharing one broadcast model) only read it.
    for (NamedParameter p : parameters.values()) {
      store.getValue(p.parameter(), p.parameter().getArray().getDevice(), false);
    }
  }

  @Override
  public ModelSpec spec() {
    return spec;
  }

  @Override
  public float[][] predict(Batch batch) {
    return predict(batch, Autocast.FP32);
  }

  /** Probabilities as {@link #predict(Batch)}, the forward pass under {@code precision} (fp32 results either way). */
  public float[][] predict(Batch batch, Autocast precision) {
    int rows = batch.size();
    int tasks = spec.taskCount();
    float[][] out = new float[rows][];
    if (rows == 0) return out;
    float[] flat;
    // PyTorch's grad mode is per thread and on by default outside the thread that loaded the engine (Spark task
    // threads): switch it off so that inference records no graph and takes the same kernels on every thread.
    JniUtils.setGradMode(false);
    try (NDScope scope = new NDScope()) {
      flat = Ops.sigmoid(logits(ModelInputs.of(manager, batch), false, precision)).toFloatArray();
    }
    for (int r = 0; r < rows; r++) {
      out[r] = new float[tasks];
      System.arraycopy(flat, r * tasks, out[r], 0, tasks);
    }
    return out;
  }

  /**
   * Activation statistics ({@link Probe.Recorder}) of inference passes over these batches: attention entropy, gate
   * and token spread across samples, tower inputs. Diagnostics (docs/ACCURACY.md); weights are not changed.
   */
  public Map<String, Double> probe(Iterator<Batch> batches) {
    Probe.Recorder recorder = new Probe.Recorder();
    JniUtils.setGradMode(false);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      try (NDScope scope = new NDScope()) {
        network.logits(new Pass(store, false, recorder), ModelInputs.of(manager, batch));
      }
    }
    return recorder.means();
  }

  /** Logits (B, K) of an fp32 forward pass; call inside an NDScope (the result lives in it). */
  public NDArray logits(ModelInputs inputs, boolean training) {
    return logits(inputs, training, Autocast.FP32);
  }

  /** Logits (B, K) of a forward pass under {@code precision}, returned in fp32 (the loss and predictions read fp32). */
  public NDArray logits(ModelInputs inputs, boolean training, Autocast precision) {
    return logits(new Pass(store, training, Probe.OFF, precision, rows == null ? null : new TouchedRows(rows)), inputs);
  }

  /** The embedding tables this model was built without (their rows are sharded elsewhere); empty when it holds all. */
  public Set<String> tablesElsewhere() {
    Set<String> out = new LinkedHashSet<>(parameters.keySet());
    out.removeAll(held);
    return out;
  }

  /** Inference lookups read the tables held elsewhere through {@code source} (the trainer's shards). */
  public void readRowsFrom(RowSource source) {
    if (tablesElsewhere().isEmpty()) throw new IllegalStateException("this model holds its embedding tables");
    this.rows = source;
  }

  /**
   * Logits (B, K) of a training pass under {@code precision}, in fp32; its embedding lookups go through {@code rows}
   * (row-wise updates), or read the tables when it is null.
   */
  public NDArray trainingLogits(ModelInputs inputs, Autocast precision, TouchedRows rows) {
    return logits(new Pass(store, true, Probe.OFF, precision, rows), inputs);
  }

  private NDArray logits(Pass pass, ModelInputs inputs) {
    return pass.precision().full(network.logits(pass, inputs));
  }

  /** Every parameter by dotted name, in a fixed order (the export's and the gradients' order). */
  public Map<String, NamedParameter> parameters() {
    return parameters;
  }

  public NDManager manager() {
    return manager;
  }

  public RankingNetwork network() {
    return network;
  }

  public float[] weights(String name) {
    return parameter(name).parameter().getArray().toFloatArray();
  }

  /** Overwrites a parameter in place (keeps the tensor, so gradients stay attached). */
  /**
   * Overwrites one parameter. The values go through one direct buffer per parameter, reused by every call: DJL's
   * set(FloatBuffer) allocates a fresh native buffer per call that outlives it, so the trainer, which sets every
   * weight after every step, grew by one copy of the model per step (~5 GB per quick-start epoch, measured;
   * {@code NetworkModelMemoryTest}).
   */
  public void setWeights(String name, float[] values) {
    NamedParameter p = parameter(name);
    if (values.length != p.shape().size()) {
      throw new IllegalArgumentException("parameter " + name + " has " + p.shape().size() + " values " + p.shape()
          + ", got " + values.length);
    }
    ByteBuffer staging = stagingBuffers.computeIfAbsent(name,
        n -> ByteBuffer.allocateDirect(Math.multiplyExact(values.length, Float.BYTES)).order(ByteOrder.nativeOrder()));
    staging.clear();
    staging.asFloatBuffer().put(values);
    p.parameter().getArray().set(staging);
  }

  /**
   * These weights (by parameter name, e.g. a best epoch's copy) as safetensors bytes with this model's shapes: the
   * registered weights file itself (docs/MODEL_FORMAT.md), so checkpoints can be published as they are.
   */
  public byte[] safetensors(Map<String, float[]> weights) {
    Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
    weights.forEach((name, v) -> tensors.put(name, new SafeTensors.Tensor(parameters().get(name).shape().getShape(), v)));
    return SafeTensors.write(tensors, Map.of("format", ModelExport.FORMAT, "model_type", spec.type().configName()));
  }

  /**
   * A copy of every weight held in this JVM by name (e.g. the best epoch's, kept by the training loop): every weight,
   * except the sharded tables of a model built with its tables elsewhere.
   */
  public Map<String, float[]> weightsByName() {
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    for (String name : held) out.put(name, weights(name));
    return out;
  }

  /** Overwrites every parameter held here; the map must name exactly those ({@link #weightsByName()}'s keys). */
  public void setWeights(Map<String, float[]> weights) {
    if (!weights.keySet().equals(held)) {
      java.util.Set<String> missing = new java.util.TreeSet<>(held);
      missing.removeAll(weights.keySet());
      java.util.Set<String> unknown = new java.util.TreeSet<>(weights.keySet());
      unknown.removeAll(held);
      throw new IllegalArgumentException("weights do not fit this " + spec.type() + " model: missing " + missing + ", unknown " + unknown);
    }
    weights.forEach(this::setWeights);
  }

  private NamedParameter parameter(String name) {
    NamedParameter p = parameters.get(name);
    if (p == null) throw new IllegalArgumentException("no parameter '" + name + "' in this " + spec.type() + " model");
    return p;
  }

  @Override
  public long parameterCount() {
    return parameters.values().stream().mapToLong(p -> p.shape().size()).sum();
  }

  @Override
  public void close() {
    manager.close();
  }
}
