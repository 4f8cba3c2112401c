package io.infnet.jobs.dist;

import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.EmbeddingUpdate;
import io.infnet.config.choices.OutOfRangeIds;
import io.infnet.jobs.data.RowBatches;
import io.infnet.json.Jsons;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.data.Batch;
import io.infnet.model.io.SafeTensors;
import io.infnet.model.train.Checkpoints;
import io.infnet.model.train.LoopState;
import io.infnet.model.train.StepEvent;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingData;
import io.infnet.model.train.TrainingListener;
import io.infnet.model.train.TrainingLoop;
import io.infnet.model.train.TrainingOptions;
import io.infnet.model.train.TrainingResult;
import io.infnet.model.train.shard.EmbeddingShard;
import io.infnet.model.train.shard.ShardedTables;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * One worker of a synchronous data-parallel run, as a Spark barrier task: it spills its own rows (laid out once
 * by {@link BlockSchedule}) to a local file ({@link RowSpill}), finds its peers, and per step computes gradients on its
 * slice of the global batch, sums them with every other worker ({@link GradientExchange}) and applies the same update
 * as every replica. After each epoch every worker evaluates its share of the validation rows and all merge the
 * predictions ({@link ShardedValidation}), so every worker gets the same metrics and early stopping decides the same
 * everywhere. Worker 0 writes checkpoints; every worker restores the newest one when the stage
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
    InfnetConfig config = ConfigLoader.fromJson(plan.configJson(), "training worker " + rank);
    FeatureSchema schema = FeatureSchema.fromJson(plan.schemaJson());
    RowBatches batches = new RowBatches(schema, config.get(Keys.MODEL_OUT_OF_RANGE_IDS) == OutOfRangeIds.OOV);
    boolean sharded = config.get(Keys.TRAIN_EMBEDDING_UPDATE) == EmbeddingUpdate.SHARDED;
    ModelSpec spec = ModelSpec.from(config, schema);
    ai.djl.Device device = TrainingDevice.of(config.get(Keys.TRAIN_DEVICE), context);
    long seed = config.get(Keys.TRAIN_SEED);
    try (RowSpill mine = RowSpill.in(localDir(), "infnet-train-" + rank + "-")) { // deleted when the task ends, failed or not
      while (rows.hasNext()) mine.append(batches.parse(rows.next()));
      return train(context, rank, config, batches, mine, sharded, spec, device, seed);
    }
  }

  private Iterator<String> train(BarrierTaskContext context, int rank, InfnetConfig config, RowBatches batches, RowSpill mine,
                                 boolean sharded, ModelSpec spec, ai.djl.Device device, long seed) throws Exception {
    try (PeerGroup peers = join(context, rank);
        NetworkModel model = sharded ? Models.createWithTablesElsewhere(spec, seed, device) : (NetworkModel) Models.create(spec, seed, device);
        Trainer trainer = new Trainer(model, TrainingOptions.from(config), new PeerRowExchange(peers))) {
      String result = new Run(config, batches, mine, peers, trainer, rank).train();
      context.barrier();
      return rank == 0 ? List.of(result).iterator() : List.<String>of().iterator();
    }
  }

  /** One of the executor's local directories (spark.local.dir: scratch space Spark itself spills to). */
  private static java.nio.file.Path localDir() {
    SparkEnv env = SparkEnv.get();
    String dir = env == null ? System.getProperty("java.io.tmpdir") : org.apache.spark.util.Utils.getLocalDir(env.conf());
    return java.nio.file.Path.of(dir);
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

  /**
   * One worker's wiring of the training loop: its rows in the block schedule's order, the all-reduce with its peers,
   * checkpoints in the lake (written by worker 0, restored by all) and, on worker 0, the progress file and step times.
   */
  private final class Run implements TrainingData, Checkpoints, TrainingListener {
    private final InfnetConfig config;
    private final RowBatches batches;
    private final RowSpill rows;
    private final Trainer trainer;
    private final NetworkModel model;
    private final int rank;
    private final GradientExchange exchange;
    private final PeerGroup peers;
    private final ShardedTables shards; // null unless train.embedding_update = sharded
    private final BlockSchedule schedule;
    private final CheckpointStore checkpoints;
    private final int batchPerWorker;
    private final StepTimes times = new StepTimes();
    private long lastProgressNanos = System.nanoTime();
    private long progressSamples;
    private long progressSteps;

    Run(InfnetConfig config, RowBatches batches, RowSpill rows, PeerGroup peers, Trainer trainer, int rank) throws IOException {
      this.config = config;
      this.batches = batches;
      this.rows = rows;
      this.trainer = trainer;
      this.model = (NetworkModel) trainer.model();
      this.rank = rank;
      this.exchange = new GradientExchange(new ShardedAllReduce(peers), model.tablesElsewhere());
      this.peers = peers;
      this.shards = trainer.shards();
      this.schedule = new BlockSchedule(plan.rows(), plan.blockSize(), config.get(Keys.TRAIN_BATCH_SIZE), plan.workers(),
          config.get(Keys.TRAIN_SEED));
      this.checkpoints = new CheckpointStore(plan.checkpointDir(), plan.hadoopConf().get(), config.get(Keys.TRAIN_CHECKPOINT_KEEP));
      this.batchPerWorker = config.get(Keys.TRAIN_BATCH_SIZE) / plan.workers();
    }

    String train() throws IOException {
      List<Row> valid = validRows.value();
      TrainingResult result = new TrainingLoop(trainer, this, valid.isEmpty() ? null : this::validationBatches)
          .reduceWith(exchange)
          .evaluateWith(new ShardedValidation(peers, shards, valid.size(), config.get(Keys.SCORE_BATCH_SIZE), batches.schema().tasks()))
          .checkpointTo(this, plan.checkpointEvery())
          .logLossEvery(config.get(Keys.TRAIN_LOG_EVERY))
          .listen(this)
          .run();
      // the final (best) weights go to the store (worker 0 writes them), the rest is the report
      save(trainer, result.state(), rank == 0 ? model.weightsByName() : null);
      if (rank == 0) checkpoints.writeMarker("TRAINED", String.valueOf(trainer.stepCount())); // the driver writes FINISHED once registered
      return Jsons.write(new WorkerReport(result.state(), trainer.stepCount(), times.report(), rows.size(), footprints()));
    }

    /** Every worker's footprint, gathered by every worker (one exchange). */
    private List<WorkerFootprint> footprints() throws IOException {
      WorkerFootprint mine = new WorkerFootprint(rank, WorkerFootprint.thisJvmPeakResident(), shards == null ? 0 : shards.rowCount());
      List<WorkerFootprint> all = new ArrayList<>(peers.exchange(peer -> out -> out.writeUTF(Jsons.write(mine)),
          in -> Jsons.read(in.readUTF(), WorkerFootprint.class, "a peer's footprint")));
      all.set(rank, mine);
      return all;
    }

    @Override
    public OptionalLong stepsPerEpoch() {
      return OptionalLong.of(schedule.stepsPerEpoch());
    }

    @Override
    public Iterator<Batch> epoch(int epoch, long firstStep) {
      long[] order = schedule.blockOrder(epoch);
      return new Iterator<>() {
        private long step = firstStep;

        @Override
        public boolean hasNext() {
          return step < schedule.stepsPerEpoch();
        }

        @Override
        public Batch next() {
          if (!hasNext()) throw new NoSuchElementException();
          Batch batch = batches.newBatch(Math.max(1, batchPerWorker));
          try {
            for (long p : schedule.positions(order, step++, rank)) rows.get(Math.toIntExact(schedule.localIndexOf(p))).addTo(batch);
          } catch (IOException e) {
            throw new UncheckedIOException("reading training rows from " + rows.file(), e);
          }
          return batch;
        }
      };
    }

    /** This worker's share of the validation rows: {@link ShardedValidation} merges every worker's predictions. */
    private Iterator<Batch> validationBatches() {
      return batches.batches(ShardedValidation.slice(validRows.value(), rank, plan.workers()).iterator(), config.get(Keys.SCORE_BATCH_SIZE));
    }

    /**
     * Worker 0 writes; every worker holds the same replicated state, so one copy is enough. Sharded tables: every worker
     * first writes its own shard (and its copy of the best epoch's) in parallel, and worker 0's checkpoint lists them.
     */
    @Override
    public void save(Trainer t, LoopState state, Map<String, float[]> bestWeights) throws IOException {
      Map<String, byte[]> files = new LinkedHashMap<>();
      if (bestWeights != null && rank == 0) files.put(BEST_WEIGHTS, model.safetensors(bestWeights));
      if (shards != null) files.put(CheckpointStore.SHARDS, writeShards(t.stepCount()));
      if (rank == 0) checkpoints.save(t, state, files);
    }

    /** This worker's shard files of checkpoint {@code step}; returns every worker's, file → sha256, as JSON. */
    private byte[] writeShards(long step) throws IOException {
      String suffix = rank + "-of-" + plan.workers() + ".bin";
      Map<String, String> mine = new TreeMap<>();
      mine.put("shard-" + suffix, checkpoints.writeShard(step, "shard-" + suffix, shards.contents()));
      if (shards.best() != null) mine.put("best-" + suffix, checkpoints.writeShard(step, "best-" + suffix, shards.best()));
      Map<String, String> all = new TreeMap<>(mine);
      String json = Jsons.write(mine);
      for (String theirs : peers.exchange(peer -> out -> out.writeUTF(json), in -> in.readUTF())) {
        if (theirs != null) all.putAll(Jsons.readMap(theirs, String.class, "a peer's shard list"));
      }
      return Jsons.write(all).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Every worker reads the checkpoint's shards (written by any worker count) and keeps the rows it owns. */
    private void restoreShards(long step, byte[] listing) throws IOException {
      if (listing == null) throw new IOException("checkpoint step-" + step + " has no " + CheckpointStore.SHARDS + ": it was not written with sharded tables");
      Map<String, String> files = Jsons.readMap(new String(listing, java.nio.charset.StandardCharsets.UTF_8), String.class, CheckpointStore.SHARDS);
      List<Map<String, EmbeddingShard.Contents>> current = new ArrayList<>();
      List<Map<String, EmbeddingShard.Contents>> best = new ArrayList<>();
      for (Map.Entry<String, String> f : files.entrySet()) {
        (f.getKey().startsWith("best-") ? best : current).add(checkpoints.readShard(step, f.getKey(), f.getValue()));
      }
      shards.restore(current, best);
    }

    @Override
    public Optional<Saved> restoreLatest(Trainer t) throws IOException {
      Optional<Long> latest = checkpoints.latestStep();
      if (latest.isEmpty()) return Optional.empty();
      CheckpointStore.Restored r = checkpoints.restore(t, latest.get(), List.of(BEST_WEIGHTS, CheckpointStore.SHARDS));
      if (shards != null) restoreShards(latest.get(), r.files().get(CheckpointStore.SHARDS));
      byte[] best = r.files().get(BEST_WEIGHTS);
      return Optional.of(new Saved(r.loopState(), best == null ? null : SafeTensors.read(best).values()));
    }

    @Override
    public void onStep(StepEvent step) {
      times.add(step.computeNanos(), step.reduceNanos(), exchange.bytesSent() + (shards == null ? 0 : shards.exchange().bytesSent()));
      progress(step);
    }

    /** Worker 0 publishes a progress line for the driver every few seconds. */
    private void progress(StepEvent step) {
      progressSamples += step.samples();
      progressSteps++;
      long now = System.nanoTime();
      if (rank != 0 || now - lastProgressNanos < 5_000_000_000L) return;
      double seconds = (now - lastProgressNanos) / 1e9;
      ProgressMonitor.Progress p = new ProgressMonitor.Progress(step.epoch(), step.step(),
          Double.isFinite(step.meanLoss()) ? step.meanLoss() : 0.0, progressSamples / seconds, progressSteps / seconds);
      try {
        checkpoints.writeMarker(ProgressMonitor.FILE, Jsons.write(p));
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the progress file", e);
      }
      lastProgressNanos = now;
      progressSamples = 0;
      progressSteps = 0;
    }
  }

  /** Worker 0's result, returned through the barrier stage: the loop's final state, steps, step times, rows held. */
  record WorkerReport(LoopState loop, long steps, StepTimes.Report times, long rows, List<WorkerFootprint> workers) {}


}
