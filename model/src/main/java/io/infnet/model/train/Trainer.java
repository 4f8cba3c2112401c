package io.infnet.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.infnet.config.choices.EmbeddingUpdate;
import io.infnet.json.Jsons;
import io.infnet.model.NetworkModel;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.io.SafeTensors;
import io.infnet.model.nn.Autocast;
import io.infnet.model.nn.Module.NamedParameter;
import io.infnet.model.nn.ModelInputs;
import io.infnet.model.nn.Ops;
import io.infnet.model.nn.SplitMix64;
import io.infnet.model.nn.RowSource;
import io.infnet.model.nn.TouchedRows;
import io.infnet.model.train.shard.RowExchange;
import io.infnet.model.train.shard.ShardedTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains one {@link RankingModel} in this JVM: forward + backward on a batch ({@link #computeGradients}), then one
 * optimizer step with (possibly all-reduced) gradients ({@link #applyUpdate}). One trainer per JVM: DJL allows a
 * single active GradientCollector.
 *
 * <p>Determinism: initial weights come from the seed; dropout draws from the engine generator reseeded at every step
 * from (train.seed, step), so a restored checkpoint replays the same masks. With a fixed
 * intra-op thread count, same seed gives the same losses on CPU (tested with 1 and 2 threads). Reseeding the
 * engine generator is JVM-global: another model training dropout in the same JVM would share it.
 *
 * <p>Threads: train.threads sets PyTorch's intra-op (OpenMP) threads. On oversubscribed cores (several executors
 * per machine) waiting OpenMP threads spin and can cost 10x: give each training task as many threads as cores it
 * owns and set OMP_WAIT_POLICY=PASSIVE in the executor environment (measured here, 2 threads on 2 busy cores:
 * 190 samples/s spinning, 2100 passive).
 *
 * <p>Device: weights, gradients and optimizer state stay on the model's device. A step's gradients are written into
 * one flat device buffer; the optimizer reads it there when this JVM trains alone, and a data-parallel all-reduce
 * copies it to the host once and the summed buffer back once ({@link Gradients}). {@link #checkDevicePlacement}
 * asserts it.
 *
 * <p>Embedding tables (train.embedding_update): dense, their V×d gradients join the flat buffer and every row is
 * updated; rows, the forward reads a per-step copy of the rows the batch touches ({@link TouchedRows}), backward
 * yields U×d gradients and the optimizer updates those rows only ({@link Optimizer#updateRows}), so a step costs the
 * same for any vocabulary size. The tables then never require gradients.
 *
 * <p>Precision (train.precision): with bf16 the forward pass follows {@link Autocast#BF16} (matmul-heavy ops in
 * bfloat16); the weights, their gradients, the optimizer state and the loss stay fp32.
 */
public final class Trainer implements AutoCloseable {
  private static final String CHECKPOINT_FORMAT = "infnet-checkpoint/1";
  private final NetworkModel model;
  private final Optimizer optimizer;
  private final ParameterLayout layout;
  private final boolean byRows;
  private final ShardedTables shards; // train.embedding_update = sharded, else null
  private NDManager gradientBuffers; // this step's flat gradient buffers; released at the first step after an update
  private boolean updatedSinceGradients;
  private final float[] taskWeights;
  private final Autocast precision;
  private TrainingOptions options;
  private Gradients lastGradients;
  private PhaseNanos lastPhases;
  private double lastGradientNorm = Double.NaN;
  private double lastUpdateNorm = Double.NaN;
  private long step;

  public Trainer(RankingModel model, TrainingOptions options) {
    this(model, options, RowExchange.ALONE);
  }

  /**
   * A trainer of one worker among {@code exchange.workers()}; with train.embedding_update = sharded its tables are
   * sharded over them (the model must then be built without them: {@link io.infnet.model.Models#createWithTablesElsewhere}).
   */
  public Trainer(RankingModel model, TrainingOptions options, RowExchange exchange) {
    if (!(model instanceof NetworkModel network)) {
      throw new IllegalArgumentException("Trainer needs a model built by Models.create or ModelExport.load, got " + model.getClass());
    }
    this.model = network;
    this.options = options;
    this.precision = Autocast.of(options.precision());
    this.optimizer = new Optimizer(options.optimizer(), options.weightDecay(), network.manager());
    this.byRows = options.embeddingUpdate() != EmbeddingUpdate.DENSE;
    this.shards = sharded(network, options, exchange);
    this.layout = new ParameterLayout(network.parameters().values(), byRows);
    this.gradientBuffers = network.manager().newSubManager();
    this.taskWeights = new float[model.spec().taskCount()];
    for (int k = 0; k < taskWeights.length; k++) taskWeights[k] = model.spec().taskWeights().get(k).floatValue();
    if (options.threads() > 0) JniUtils.setNumThreads(options.threads());
    for (ParameterLayout.Slot slot : layout.slots()) weightsOf(slot).setRequiresGradient(!slot.byRows());
  }

  private static ShardedTables sharded(NetworkModel model, TrainingOptions options, RowExchange exchange) {
    if (options.embeddingUpdate() != EmbeddingUpdate.SHARDED) {
      if (!model.tablesElsewhere().isEmpty()) throw new IllegalArgumentException("a model without its embedding tables trains only with train.embedding_update=sharded");
      return null;
    }
    if (model.tablesElsewhere().isEmpty()) {
      throw new IllegalArgumentException("train.embedding_update=sharded needs the model built without its tables "
          + "(Models.createWithTablesElsewhere): the distributed trainer (bin/infnet train) does it");
    }
    ShardedTables tables = new ShardedTables(model, options, exchange);
    model.readRowsFrom(tables);
    return tables;
  }

  /** This worker's shards of the embedding tables (train.embedding_update = sharded), else null. */
  public ShardedTables shards() {
    return shards;
  }

  public RankingModel model() {
    return model;
  }

  public TrainingOptions options() {
    return options;
  }

  /** Sets the horizon of the cosine decay (the loop does it after the first epoch when train.max_steps is 0). */
  public void setTotalSteps(long totalSteps) {
    this.options = options.withTotalSteps(totalSteps);
  }

  public long stepCount() {
    return step;
  }

  /** Forward and backward on one batch; the gradients are kept ({@link #gradients()}), weights are not changed. */
  public StepResult computeGradients(Batch batch) {
    int rows = batch.size();
    if (rows == 0) throw new IllegalArgumentException("empty batch");
    Engine.getInstance().setRandomSeed((int) SplitMix64.mix(options.seed(), step)); // dropout masks of this step
    if (updatedSinceGradients) releaseGradientBuffers();
    int tasks = taskWeights.length;
    float[] taskLossSums;
    float weightedLoss;
    try (NDScope scope = new NDScope(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      long start = System.nanoTime();
      ModelInputs in = ModelInputs.of(model.manager(), batch);
      TouchedRows touched = byRows ? new TouchedRows(shards == null ? RowSource.HELD : shards) : null;
      if (shards != null) shards.startStep();
      NDArray logits = model.trainingLogits(in, precision, touched); // fp32: the loss is computed in fp32
      if (shards != null) shards.endStep();
      NDArray perTask = Ops.binaryCrossEntropyWithLogits(logits, in.labels()).mul(in.labelMask()).sum(new int[] {0});
      NDArray loss = perTask.mul(model.manager().create(taskWeights)).sum();
      long forwardEnd = System.nanoTime();
      collector.backward(loss);
      taskLossSums = perTask.toFloatArray();
      weightedLoss = loss.getFloat();
      long backwardEnd = System.nanoTime();
      lastGradients = collectGradients(rows, touched);
      lastPhases = new PhaseNanos(forwardEnd - start, backwardEnd - forwardEnd, System.nanoTime() - backwardEnd);
    }
    double[] taskLoss = new double[tasks];
    float[] mask = batch.labelMask();
    for (int k = 0; k < tasks; k++) {
      int labeled = 0;
      for (int r = 0; r < rows; r++) labeled += (int) mask[r * tasks + k];
      taskLoss[k] = labeled == 0 ? Double.NaN : taskLossSums[k] / labeled;
    }
    return new StepResult(step, weightedLoss / rows, taskLoss, rows);
  }

  /**
   * Every flat-path parameter's gradient into one flat buffer on the device (one kernel), then .grad zeroed; the
   * tables updated by rows keep their U×d gradients as they are.
   */
  private Gradients collectGradients(int rows, TouchedRows touched) {
    NDList flat = new NDList();
    List<NDArray> flatPath = new ArrayList<>();
    for (ParameterLayout.Slot slot : layout.slots()) if (!slot.byRows()) flatPath.add(weightsOf(slot));
    for (NDArray weights : flatPath) flat.add(weights.getGradient().flatten());
    NDArray buffer = keep(NDArrays.concat(flat));
    for (NDArray weights : flatPath) JniUtils.zeroGrad((PtNDArray) weights); // PyTorch accumulates into .grad
    return Gradients.onDevice(buffer, touched == null ? RowGradients.NONE : rowGradients(touched), layout, rows);
  }

  private RowGradients rowGradients(TouchedRows touched) {
    Map<String, TouchedRows.Rows> byName = new LinkedHashMap<>();
    Map<Parameter, TouchedRows.Rows> byTable = touched.gradients();
    for (NamedParameter p : model.parameters().values()) {
      TouchedRows.Rows r = byTable.get(p.parameter());
      if (r != null) byName.put(p.name(), new TouchedRows.Rows(keep(r.ids()), keep(r.gradient())));
    }
    return new RowGradients(byName);
  }

  private NDArray weightsOf(ParameterLayout.Slot slot) {
    return model.parameters().get(slot.name()).parameter().getArray();
  }

  /** Out of the step's scope, into this step's gradient buffers. */
  private NDArray keep(NDArray array) {
    NDScope.unregister(array);
    array.attach(gradientBuffers);
    return array;
  }

  private void releaseGradientBuffers() {
    gradientBuffers.close();
    gradientBuffers = model.manager().newSubManager();
    updatedSinceGradients = false;
  }

  /**
   * What a worker with no rows in a step contributes to the reduction: zeros of 0 samples. With sharded tables it
   * first answers the step's row lookups of its peers.
   */
  public Gradients zeroGradients() {
    if (shards != null) shards.serveIdleStep();
    List<Gradients.Tensor> out = new ArrayList<>();
    for (NamedParameter p : model.parameters().values()) {
      long[] shape = p.shape().getShape();
      out.add(p.rowSparse() ? new Gradients.Tensor(p.name(), shape, new int[0], new float[0])
          : new Gradients.Tensor(p.name(), shape, null, new float[Math.toIntExact(p.shape().size())]));
    }
    return new Gradients(out, 0);
  }

  /** Wall time of the last {@link #computeGradients} by phase: forward (with the loss), backward, gradient flattening. */
  public PhaseNanos lastPhases() {
    if (lastPhases == null) throw new IllegalStateException("no step yet: call computeGradients first");
    return lastPhases;
  }

  public record PhaseNanos(long forward, long backward, long gradientCopy) {}

  /** The gradients of the last {@link #computeGradients} (of the summed loss over its rows). */
  public Gradients gradients() {
    if (lastGradients == null) throw new IllegalStateException("no gradients yet: call computeGradients first");
    return lastGradients;
  }

  /**
   * One optimizer step with these gradients: divided by their row count (mean loss), clipped to the global norm
   * train.grad_clip_norm, at the scheduled learning rate of this step. Advances the step count.
   */
  public void applyUpdate(Gradients summed) {
    if (summed.samples() <= 0) throw new IllegalArgumentException("gradients of 0 samples");
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false); // in-place updates of leaf tensors
    try (NDScope ignored = new NDScope()) {
      NDArray flat = summed.deviceBuffer(layout);
      RowGradients rows = summed.deviceRows(layout);
      if (flat == null) { // reduced on the host: one copy back (the sharded tables' rows stay on the host)
        flat = model.manager().create(layout.flatten(summed));
        rows = RowGradients.fromHost(summed, layout, model.manager(), shards == null ? java.util.Set.of() : shards.shards().keySet());
      }
      double scale = 1.0 / summed.samples();
      // untouched rows have zero gradient: the flat buffer and the touched rows make the exact global norm; the rows
      // of sharded tables updated by other owners count through the exchange's sum of their norms
      double shardedSquared = Double.isNaN(summed.shardedSquaredNorm()) ? 0 : summed.shardedSquaredNorm();
      double squared = flat.toType(DataType.FLOAT64, false).square().sum().getDouble() + rows.squaredNorm() + shardedSquared;
      double norm = Math.sqrt(squared) * scale; // double, as on the host
      boolean clipping = options.gradClipNorm() > 0 && norm > options.gradClipNorm();
      if (clipping) scale *= options.gradClipNorm() / norm;
      lastGradientNorm = norm;
      lastUpdateNorm = clipping ? options.gradClipNorm() : norm;
      double lr = options.learningRateAt(step);
      for (ParameterLayout.Slot slot : layout.slots()) {
        if (!slot.byRows()) {
          optimizer.update(slot.name(), weightsOf(slot), layout.view(flat, slot), scale, lr, step + 1);
          continue;
        }
        if (shards != null) {
          updateShard(slot.name(), summed, rows, scale, lr);
          continue;
        }
        TouchedRows.Rows r = rows.tables().get(slot.name()); // null: no row of the table in this step
        if (r != null) optimizer.updateRows(slot.name(), weightsOf(slot), r.ids(), r.gradient(), scale, lr, step + 1);
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    updatedSinceGradients = true;
    step++;
  }

  /** This worker's rows of a sharded table: from the device when it trains alone, else the exchange's sums it owns. */
  private void updateShard(String table, Gradients summed, RowGradients rows, double scale, double lr) {
    TouchedRows.Rows device = rows.tables().get(table);
    if (device != null) {
      shards.update(table, device.ids().toLongArray(), device.gradient().toFloatArray(), scale, lr, step + 1);
      return;
    }
    if (summed.deviceRows(layout) != null) return; // trained alone and no row of the table in this step
    Gradients.Tensor t = summed.get(table);
    if (t.rows().length == 0) return;
    long[] ids = new long[t.rows().length];
    for (int i = 0; i < ids.length; i++) ids[i] = t.rows()[i];
    shards.update(table, ids, t.values(), scale, lr, step + 1);
  }

  /**
   * A copy of the weights (the best epoch's, kept by the training loop): the model's, and with sharded tables each
   * shard's, kept by {@link ShardedTables#keepBest} (the map then holds the weights held in this JVM only).
   */
  public Map<String, float[]> snapshotWeights() {
    if (shards != null) shards.keepBest();
    return model.weightsByName();
  }

  /** Back to a {@link #snapshotWeights} copy (the shards to their kept copy). */
  public void restoreWeights(Map<String, float[]> weights) {
    model.setWeights(weights);
    if (shards != null && !shards.restoreBest()) {
      throw new IllegalStateException("the sharded tables have no copy of the best epoch's rows to go back to");
    }
  }

  /**
   * Throws unless every weight, its .grad, every optimizer state tensor and the last gradient buffer are on the
   * model's device, in fp32: a tensor left on the CPU would cost a copy per step on a GPU, and master copies stay fp32
   * whatever train.precision casts. Runs on the CPU too.
   */
  public void checkDevicePlacement() {
    DevicePlacement placement = new DevicePlacement(model.manager().getDevice());
    try (NDScope ignored = new NDScope()) {
      for (NamedParameter p : model.parameters().values()) {
        NDArray weights = p.parameter().getArray();
        placement.check("weight " + p.name(), weights);
        if (weights.hasGradient()) placement.check("gradient of " + p.name(), weights.getGradient());
      }
    }
    optimizer.tensors().forEach((name, state) -> placement.check("optimizer state " + name, state));
    if (lastGradients != null) {
      NDArray buffer = lastGradients.deviceBuffer(layout);
      if (buffer != null && !buffer.isReleased()) placement.check("the gradient buffer", buffer);
      RowGradients rows = lastGradients.deviceRows(layout);
      if (rows != null && buffer != null && !buffer.isReleased()) {
        rows.tables().forEach((name, r) -> placement.check("the row gradients of " + name, r.gradient()));
      }
    }
  }

  /** Global L2 norm of the mean-loss gradient of the last {@link #applyUpdate}, before clipping (NaN before any). */
  public double lastGradientNorm() {
    return lastGradientNorm;
  }

  /** Global L2 norm of the gradient the optimizer received in the last {@link #applyUpdate}: after clipping. */
  public double lastUpdateNorm() {
    return lastUpdateNorm;
  }

  public StepResult step(Batch batch) {
    StepResult r = computeGradients(batch);
    applyUpdate(gradients());
    return r;
  }

  /**
   * dir/weights.safetensors (model), dir/optimizer.safetensors (moments by "slot/parameter"), dir/trainer.json
   * (step, schedule horizon, optimizer, seed). The dropout generator needs no state: it is reseeded from (seed, step).
   */
  public void saveCheckpoint(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("weights.safetensors"), model.safetensors(model.weightsByName()));
    Map<String, SafeTensors.Tensor> state = new LinkedHashMap<>();
    optimizer.state().forEach((k, v) -> state.put(k, new SafeTensors.Tensor(new long[] {v.length}, v)));
    Files.write(dir.resolve("optimizer.safetensors"), SafeTensors.write(state, Map.of()));
    TrainerState meta = new TrainerState(CHECKPOINT_FORMAT, step, options.totalSteps(), options.optimizer().configName(), options.seed(),
        model.spec().type().configName(), model.parameterCount());
    Files.writeString(dir.resolve("trainer.json"), Jsons.write(meta), StandardCharsets.UTF_8);
  }

  /** trainer.json of a checkpoint: where the optimizer and the schedule stand. */
  public record TrainerState(String format, long step, long totalSteps, String optimizer, long seed, String modelType,
      long parameterCount) {}

  public void restoreCheckpoint(Path dir) throws IOException {
    Path metaFile = dir.resolve("trainer.json");
    TrainerState meta = Jsons.read(Files.readString(metaFile, StandardCharsets.UTF_8), TrainerState.class, metaFile.toString());
    if (!CHECKPOINT_FORMAT.equals(meta.format())) {
      throw new IOException("not an INFNet checkpoint (format " + meta.format() + ") in " + dir);
    }
    if (!options.optimizer().configName().equals(meta.optimizer())) {
      throw new IOException("checkpoint " + dir + " was written by optimizer " + meta.optimizer() + ", this trainer uses " + options.optimizer().configName());
    }
    model.setWeights(SafeTensors.read(Files.readAllBytes(dir.resolve("weights.safetensors"))).values());
    Map<String, long[]> shapes = new LinkedHashMap<>();
    model.parameters().forEach((name, p) -> shapes.put(name, p.shape().getShape()));
    optimizer.loadState(SafeTensors.read(Files.readAllBytes(dir.resolve("optimizer.safetensors"))).values(), shapes);
    step = meta.step();
    options = options.withTotalSteps(meta.totalSteps());
    lastGradients = null;
    releaseGradientBuffers();
  }

  /** Detaches the weights from autograd; the model stays usable (and owned by the caller). */
  @Override
  public void close() {
    for (NamedParameter p : model.parameters().values()) p.parameter().getArray().setRequiresGradient(false);
    gradientBuffers.close();
    optimizer.close();
  }
}
