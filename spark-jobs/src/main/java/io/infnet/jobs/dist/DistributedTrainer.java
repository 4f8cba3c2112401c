package io.infnet.jobs.dist;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.OutOfRangeIds;
import io.infnet.config.choices.Split;
import io.infnet.jobs.JobFailure;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.data.RowBatches;
import io.infnet.json.Jsons;
import io.infnet.model.io.SafeTensors;
import io.infnet.model.train.LoopState;
import io.infnet.model.train.MetricRecord;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Synchronous data-parallel training over Spark — what BigDL's DistriOptimizer did, on DJL: the training rows are
 * laid out once over {@code train.workers} barrier tasks (one per executor JVM), the workers exchange gradients
 * directly with each other ({@link ShardedAllReduce}), checkpoints go to the lake, and a failed stage is retried
 * by Spark from the newest checkpoint. The driver only plans, launches, shows progress and collects the result.
 */
public final class DistributedTrainer {
  /** Rows per shuffle block: the number of workers must divide it, the global batch must be a multiple of it. */
  public static final int SHUFFLE_BLOCK = 64;

  private DistributedTrainer() {}

  /** The final weights file of a run, produced on demand (a sharded run's tables are put together from its shards). */
  @FunctionalInterface
  public interface WeightsFile {
    byte[] read() throws IOException;
  }

  /**
   * What a run produced: the loop's final state (epochs, best epoch and AUC, the metric history), the best epoch's
   * weights as the safetensors file the registry publishes (read, and with sharded tables put together, when asked
   * for), where worker 0's step time went over {@code timedSteps} steps (the last stage attempt, without its warm-up
   * steps), and each worker's peak resident memory and embedding rows held (sharded tables; 0 otherwise).
   */
  public record Result(LoopState loop, long steps, WeightsFile weights, long timedSteps, double computeSeconds,
      double communicationSeconds, long bytesSentByWorker0, List<WorkerFootprint> workers) {
    /** The registry's weights file of the run. */
    public byte[] weightsFile() {
      try {
        return weights.read();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("reading the run's final weights: " + e.getMessage(), e);
      }
    }

    public int epochsRun() {
      return loop.epochsDone();
    }

    public int bestEpoch() {
      return loop.bestEpoch();
    }

    public Map<String, Double> bestValidAuc() {
      return loop.bestAuc();
    }

    public List<MetricRecord> history() {
      return loop.history();
    }

    /** Fraction of a step spent exchanging gradients (and waiting for peers). */
    public double communicationShare() {
      double total = computeSeconds + communicationSeconds;
      return total == 0 ? 0 : communicationSeconds / total;
    }

    /** Worker 0's mean step, e.g. "compute 812.4 ms, communication 95.1 ms (10.5% of step), 1,204,224 bytes sent". */
    public String stepTime() {
      if (timedSteps == 0) return "no step timed (all steps were warm-up)";
      return String.format(java.util.Locale.ROOT, "compute %.1f ms, communication %.1f ms (%.1f%% of step), %,d bytes sent",
          computeSeconds * 1000 / timedSteps, communicationSeconds * 1000 / timedSteps, 100 * communicationShare(),
          bytesSentByWorker0 / timedSteps);
    }

    /** Training throughput over the timed steps. */
    public double samplesPerSecond(int globalBatch) {
      double total = computeSeconds + communicationSeconds;
      return total == 0 ? 0 : timedSteps * (double) globalBatch / total;
    }
  }

  public static Result train(SparkSession spark, InfnetConfig config, FeatureSnapshot snapshot, FeatureSchema schema,
      String checkpointDir, PrintStream out) throws IOException {
    int workers = config.get(Keys.TRAIN_WORKERS);
    checkPlacement(spark, config, workers);
    RowBatches batches = new RowBatches(schema, config.get(Keys.MODEL_OUT_OF_RANGE_IDS) == OutOfRangeIds.OOV);
    Column[] columns = batches.columns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    long seed = config.get(Keys.TRAIN_SEED);

    // Global positions: a seeded hash order, numbered once; then each worker's rows, in position order.
    JavaPairRDD<Long, Row> positioned = snapshot.split(Split.TRAIN)
        .orderBy(xxhash64(col("user_id"), col("video_id"), col("time_ms"), lit(seed)), col("user_id"), col("video_id"), col("time_ms"))
        .select(columns).javaRDD().zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
    long rows = positioned.count();
    BlockSchedule schedule = new BlockSchedule(rows, SHUFFLE_BLOCK, config.get(Keys.TRAIN_BATCH_SIZE), workers, seed);
    JavaRDD<Row> laidOut = positioned.repartitionAndSortWithinPartitions(new OwnerPartitioner(schedule, workers)).values();

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<List<Row>> valid = jsc.broadcast(new ArrayList<>(snapshot.split(Split.VALID).select(columns).collectAsList()));
    WorkerPlan plan = new WorkerPlan(config.toJson(), schema.toJson(), rows, workers, SHUFFLE_BLOCK,
        config.get(Keys.TRAIN_CHECKPOINT_EVERY), checkpointDir, new HadoopConfBytes(spark.sparkContext().hadoopConfiguration()));
    out.printf("train: %d worker(s), %,d rows, %d steps/epoch, global batch %d, checkpoints in %s%n", workers, rows,
        schedule.stepsPerEpoch(), config.get(Keys.TRAIN_BATCH_SIZE), checkpointDir);

    List<String> reports;
    try (ProgressMonitor progress = ProgressMonitor.start(checkpointDir, spark.sparkContext().hadoopConfiguration(), out,
        schedule.stepsPerEpoch(), config.get(Keys.TRAIN_EPOCHS))) {
      reports = BarrierStage.collectRetryable(laidOut, new TrainingWorker(plan, valid), String.class);
    } finally {
      valid.destroy();
    }
    return result(reports.get(0), checkpointDir, spark, config, schema);
  }

  /** Two training tasks in one JVM would share DJL's one gradient collector: refuse before launching. */
  private static void checkPlacement(SparkSession spark, InfnetConfig config, int workers) {
    if (SHUFFLE_BLOCK % workers != 0) {
      throw new JobFailure("train.workers=" + workers + ": expected a divisor of " + SHUFFLE_BLOCK + " (1, 2, 4, 8, 16, 32 or 64)");
    }
    if (config.get(Keys.TRAIN_BATCH_SIZE) % SHUFFLE_BLOCK != 0) {
      throw new JobFailure("train.batch_size=" + config.get(Keys.TRAIN_BATCH_SIZE) + ": expected a multiple of " + SHUFFLE_BLOCK
          + " (global batches are made of " + SHUFFLE_BLOCK + "-row shuffle blocks)");
    }
    String master = spark.sparkContext().master();
    if (workers > 1 && master.startsWith("local") && !master.startsWith("local-cluster")) {
      throw new JobFailure("train.workers=" + workers + " needs one executor JVM per worker, but --master " + master
          + " runs every task in one JVM: use a cluster (e.g. bin/standalone-cluster) or train.workers=1");
    }
  }

  private static Result result(String report, String checkpointDir, SparkSession spark, InfnetConfig config,
      FeatureSchema schema) throws IOException {
    TrainingWorker.WorkerReport r = Jsons.read(report, TrainingWorker.WorkerReport.class, "worker 0's report");
    CheckpointStore store = new CheckpointStore(checkpointDir, spark.sparkContext().hadoopConfiguration());
    byte[] weights = store.read(r.steps(), TrainingWorker.BEST_WEIGHTS); // the registered weights file, byte for byte
    WeightsFile file = () -> weights;
    if (config.get(Keys.TRAIN_EMBEDDING_UPDATE) == io.infnet.config.choices.EmbeddingUpdate.SHARDED) {
      file = () -> ShardedExport.withTables(weights, store, r.steps(), io.infnet.model.ModelSpec.from(config, schema), config.get(Keys.TRAIN_SEED));
    }
    return new Result(r.loop(), r.steps(), file, r.times().timedSteps(), r.times().computeSeconds(),
        r.times().communicationSeconds(), r.times().bytesSent(), r.workers());
  }

  /** Sends each global position to the worker that owns it. */
  private static final class OwnerPartitioner extends Partitioner {
    private final BlockSchedule schedule;
    private final int workers;

    OwnerPartitioner(BlockSchedule schedule, int workers) {
      this.schedule = schedule;
      this.workers = workers;
    }

    @Override
    public int numPartitions() {
      return workers;
    }

    @Override
    public int getPartition(Object key) {
      return schedule.ownerOf((Long) key);
    }
  }
}
