package io.infnet.jobs.dist;

import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import io.infnet.config.Json;
import io.infnet.config.Keys;
import io.infnet.jobs.data.RowBatches;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.data.Batch;
import io.infnet.model.eval.Evaluation;
import io.infnet.model.io.SafeTensors;
import io.infnet.model.train.EarlyStopping;
import io.infnet.model.train.Gradients;
import io.infnet.model.train.StepResult;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingLoop;
import io.infnet.model.train.TrainingOptions;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * One worker of a synchronous data-parallel run, as a Spark barrier task: it holds its own rows (laid out once
 * by {@link BlockSchedule}), finds its peers, and per step computes gradients on its slice of the global batch,
 * sums them with every other worker ({@link GradientExchange}) and applies the same update as every replica.
 * After each epoch every worker evaluates the same validation rows with the same weights, so early stopping
 * decides the same everywhere. Worker 0 writes checkpoints; every worker restores the newest one when the stage
 * starts, so a retried stage (a worker died) or a resumed run continues from it.
 */
final class TrainingWorker implements FlatMapFunction<Iterator<Row>, String> {
  static final String BEST_WEIGHTS = "best.safetensors";
  private static final int CONNECT_TIMEOUT_MS = 120_000;
  private static final int STEP_TIMEOUT_MS = 600_000;

  private final WorkerPlan plan;
  private final Broadcast<List<Row>> validRows;

  TrainingWorker(WorkerPlan plan, Broadcast<List<Row>> validRows) {
    this.plan = plan;
    this.validRows = validRows;
  }

  @Override
  public Iterator<String> call(Iterator<Row> rows) throws Exception {
    BarrierTaskContext context = BarrierTaskContext.get();
    int rank = context.partitionId();
    List<Row> mine = new ArrayList<>();
    rows.forEachRemaining(mine::add);
    InfnetConfig config = ConfigLoader.fromJson(plan.configJson(), "training worker " + rank);
    FeatureSchema schema = FeatureSchema.fromJson(plan.schemaJson());
    RowBatches batches = new RowBatches(schema, config.get(Keys.MODEL_OUT_OF_RANGE_IDS).equals("oov"));
    try (PeerGroup peers = join(context, rank);
        NetworkModel model = (NetworkModel) Models.create(ModelSpec.from(config, schema), config.get(Keys.TRAIN_SEED),
            TrainingDevice.of(config.get(Keys.TRAIN_DEVICE), context));
        Trainer trainer = new Trainer(model, TrainingOptions.from(config))) {
      Run run = new Run(config, batches, mine, peers, model, trainer, rank);
      String result = run.train();
      context.barrier();
      return rank == 0 ? List.of(result).iterator() : List.<String>of().iterator();
    }
  }

  /** Exchanges addresses through the barrier (the only traffic through the driver) and connects the mesh. */
  private PeerGroup join(BarrierTaskContext context, int rank) throws IOException {
    // The executor's block-manager host is the address Spark itself uses to reach this JVM.
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    ServerSocket server = PeerGroup.listen("0.0.0.0");
    String executor = SparkEnv.get().executorId();
    String[] all = context.allGather(host + ":" + server.getLocalPort() + "|" + executor);
    List<String> addresses = new ArrayList<>();
    Set<String> executors = new HashSet<>();
    for (String a : all) {
      String[] parts = a.split("\\|");
      addresses.add(parts[0]);
      if (!executors.add(parts[1]) && plan.workers() > 1) {
        server.close();
        throw new IllegalStateException("train.workers=" + plan.workers() + " placed two training tasks in executor " + parts[1]
            + ": DJL allows one trainer per JVM; give each executor as many cores as spark.task.cpus (one task per executor)");
      }
    }
    return PeerGroup.connect(rank, addresses, server, CONNECT_TIMEOUT_MS, STEP_TIMEOUT_MS);
  }

  /** The state of one worker's run. */
  private final class Run {
    private final InfnetConfig config;
    private final RowBatches batches;
    private final List<Row> rows;
    private final NetworkModel model;
    private final Trainer trainer;
    private final int rank;
    private final GradientExchange exchange;
    private final BlockSchedule schedule;
    private final CheckpointStore checkpoints;
    private final int batchPerWorker;
    private final List<Map<String, Object>> history = new ArrayList<>();
    private final EarlyStopping stopping;
    private int epochsDone;
    private final StepTimes times = new StepTimes();
    private long lastProgressNanos = System.nanoTime();
    private long progressSamples;
    private long progressSteps;

    Run(InfnetConfig config, RowBatches batches, List<Row> rows, PeerGroup peers, NetworkModel model, Trainer trainer, int rank)
        throws IOException {
      this.config = config;
      this.batches = batches;
      this.rows = rows;
      this.model = model;
      this.trainer = trainer;
      this.rank = rank;
      this.exchange = new GradientExchange(new ShardedAllReduce(peers));
      this.schedule = new BlockSchedule(plan.rows(), plan.blockSize(), config.get(Keys.TRAIN_BATCH_SIZE), plan.workers(),
          config.get(Keys.TRAIN_SEED));
      this.checkpoints = new CheckpointStore(plan.checkpointDir(), plan.hadoopConf().get(), config.get(Keys.TRAIN_CHECKPOINT_KEEP));
      this.batchPerWorker = config.get(Keys.TRAIN_BATCH_SIZE) / plan.workers();
      this.stopping = new EarlyStopping(config.get(Keys.TRAIN_PATIENCE));
      long maxSteps = config.get(Keys.TRAIN_MAX_STEPS);
      if (maxSteps == 0) trainer.setTotalSteps(schedule.stepsPerEpoch() * config.get(Keys.TRAIN_EPOCHS));
    }

    String train() throws IOException {
      restoreLatest();
      int epochs = config.get(Keys.TRAIN_EPOCHS);
      boolean stopped = false;
      while (!stopped && epochsDone < epochs && !maxStepsReached()) {
        int epoch = epochsDone + 1;
        trainEpoch(epoch);
        epochsDone = epoch;
        stopped = validate(epoch);
        checkpoint();
      }
      if (stopping.bestWeights() != null) model.setWeights(stopping.bestWeights());
      return result();
    }

    private void trainEpoch(int epoch) throws IOException {
      long[] order = schedule.blockOrder(epoch);
      long firstStep = trainer.stepCount() - (long) (epoch - 1) * schedule.stepsPerEpoch();
      double lossSum = 0;
      long lossSteps = 0;
      for (long step = firstStep; step < schedule.stepsPerEpoch() && !maxStepsReached(); step++) {
        long start = System.nanoTime();
        Batch batch = batchOf(schedule.positions(order, step, rank));
        Gradients local;
        double localLoss = 0;
        if (batch.size() > 0) {
          StepResult r = trainer.computeGradients(batch);
          local = trainer.gradients();
          localLoss = r.loss() * r.samples();
        } else {
          local = GradientExchange.zeros(model);
        }
        long beforeExchange = System.nanoTime();
        GradientExchange.Summed summed = exchange.sum(local, localLoss);
        long afterExchange = System.nanoTime();
        trainer.applyUpdate(summed.gradients());
        times.add((beforeExchange - start) + (System.nanoTime() - afterExchange), afterExchange - beforeExchange, exchange.bytesSent());
        lossSum += summed.meanLoss();
        lossSteps++;
        progress(epoch, summed);
        if (lossSteps % config.get(Keys.TRAIN_LOG_EVERY) == 0 || step == schedule.stepsPerEpoch() - 1 || maxStepsReached()) {
          record(epoch, "train", "all", "loss", lossSum / lossSteps);
          lossSum = 0;
          lossSteps = 0;
        }
        int every = plan.checkpointEvery();
        if (every > 0 && trainer.stepCount() % every == 0 && step < schedule.stepsPerEpoch() - 1) checkpoint();
      }
    }

    /** Worker 0 publishes a progress line for the driver every few seconds. */
    private void progress(int epoch, GradientExchange.Summed step) throws IOException {
      progressSamples += step.gradients().samples();
      progressSteps++;
      long now = System.nanoTime();
      if (rank != 0 || now - lastProgressNanos < 5_000_000_000L) return;
      double seconds = (now - lastProgressNanos) / 1e9;
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("epoch", epoch);
      p.put("step", trainer.stepCount());
      p.put("loss", Double.isFinite(step.meanLoss()) ? step.meanLoss() : 0.0);
      p.put("samples_per_second", progressSamples / seconds);
      p.put("steps_per_second", progressSteps / seconds);
      checkpoints.writeMarker(ProgressMonitor.FILE, Json.write(p));
      lastProgressNanos = now;
      progressSamples = 0;
      progressSteps = 0;
    }

    private Batch batchOf(long[] positions) {
      Batch batch = batches.newBatch(Math.max(1, batchPerWorker));
      for (long p : positions) batches.add(batch, rows.get(Math.toIntExact(schedule.localIndexOf(p))));
      return batch;
    }

    /** Every worker evaluates the same rows with the same weights: the decision to stop is the same everywhere. */
    private boolean validate(int epoch) {
      List<Row> valid = validRows.value();
      if (valid.isEmpty()) return false;
      Iterator<Batch> it = batches.batches(valid.iterator(), config.get(Keys.SCORE_BATCH_SIZE));
      Evaluation evaluation = TrainingLoop.evaluate(model, it);
      evaluation.auc().forEach((task, auc) -> record(epoch, "valid", task, "auc", auc));
      evaluation.logloss().forEach((task, ll) -> record(epoch, "valid", task, "logloss", ll));
      return stopping.update(epoch, Evaluation.meanAuc(evaluation.auc()), evaluation.auc(), model::weightsByName);
    }

    private boolean maxStepsReached() {
      long max = config.get(Keys.TRAIN_MAX_STEPS);
      return max > 0 && trainer.stepCount() >= max;
    }

    private void record(int epoch, String split, String task, String metric, double value) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("step", trainer.stepCount());
      m.put("split", split);
      m.put("task", task);
      m.put("metric", metric);
      m.put("value", Double.isFinite(value) ? value : null);
      history.add(m);
    }

    private Map<String, Object> loopState() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("epochs_done", epochsDone);
      s.put("best_score", Double.isFinite(stopping.bestScore()) ? stopping.bestScore() : null);
      s.put("best_epoch", stopping.bestEpoch());
      s.put("best_auc", new LinkedHashMap<>(stopping.bestAuc()));
      s.put("history", history);
      return s;
    }

    /** Worker 0 writes; every worker holds the same state, so one copy is enough. */
    private void checkpoint() throws IOException {
      if (rank != 0) return;
      Map<String, byte[]> extra = new LinkedHashMap<>();
      if (stopping.bestWeights() != null) extra.put(BEST_WEIGHTS, safetensors(stopping.bestWeights()));
      checkpoints.save(trainer, loopState(), extra);
    }

    @SuppressWarnings("unchecked")
    private void restoreLatest() throws IOException {
      var latest = checkpoints.latestStep();
      if (latest.isEmpty()) return;
      CheckpointStore.Restored r = checkpoints.restore(trainer, latest.get(), List.of(BEST_WEIGHTS));
      Map<String, Object> s = r.loopState();
      epochsDone = ((Number) s.get("epochs_done")).intValue();
      Map<String, Double> auc = new LinkedHashMap<>();
      ((Map<String, Object>) s.get("best_auc")).forEach((k, v) -> auc.put(k, ((Number) v).doubleValue()));
      history.addAll((List<Map<String, Object>>) s.get("history"));
      byte[] best = r.files().get(BEST_WEIGHTS);
      Map<String, float[]> bestWeights = null;
      if (best != null) {
        bestWeights = new LinkedHashMap<>();
        for (var e : SafeTensors.read(best).tensors().entrySet()) bestWeights.put(e.getKey(), e.getValue().values());
      }
      double bestScore = s.get("best_score") == null ? Double.NEGATIVE_INFINITY : ((Number) s.get("best_score")).doubleValue();
      stopping.restore(bestScore, ((Number) s.get("best_epoch")).intValue(), auc, bestWeights);
    }

    private byte[] safetensors(Map<String, float[]> weights) {
      Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
      weights.forEach((name, v) -> t.put(name, new SafeTensors.Tensor(model.parameters().get(name).shape().getShape(), v)));
      return SafeTensors.write(t, Map.of());
    }

    /** Worker 0's report: the final (best) weights go to the checkpoint store, the rest is JSON. */
    private String result() throws IOException {
      Map<String, Object> r = loopState();
      r.put("steps", trainer.stepCount());
      r.putAll(times.report());
      r.put("rows", rows.size());
      if (rank == 0) {
        Map<String, byte[]> extra = new LinkedHashMap<>();
        extra.put(BEST_WEIGHTS, safetensors(model.weightsByName()));
        checkpoints.save(trainer, loopState(), extra);
        checkpoints.writeMarker("FINISHED", String.valueOf(trainer.stepCount()));
      }
      return Json.write(r);
    }
  }
}
