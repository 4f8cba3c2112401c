package io.infnet.jobs.dist;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.jobs.JobFailure;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;

/**
 * What one training worker will hold, estimated before the run starts, against the memory its JVM may use: a run that
 * cannot fit fails at once with the estimate and the settings that would fit, instead of being OOM-killed (or
 * thrashing) after the shuffle. On the heap a worker holds an 8-byte offset per training row (the rows themselves are
 * spilled to local disk, {@link RowSpill}), one training batch of parsed rows, and every validation row as Spark rows
 * (broadcast; each worker evaluates 1/W of them, {@link ShardedValidation}); outside it, the model's state as float32 tensors in libtorch, libtorch's runtime
 * and the activations of its largest batch ({@link LibtorchMemory}). The heap must fit spark.executor.memory, the rest
 * the executor's memory overhead: what YARN and Kubernetes add to a container and kill beyond.
 *
 * <p>The constants are deliberately on the high side: the check is meant to catch runs off by a factor, not to pack a
 * heap to its last megabyte (docs/RELIABILITY.md, "Memory").
 */
public record WorkerMemory(FeatureSchema schema, InfnetConfig config, long trainRows, int workers, long validRows) {
  /** A boxed Integer (16 bytes) and its reference in a Spark row's array. */
  static final long BYTES_PER_VALUE = 20;
  static final long BYTES_PER_ARRAY = 40;
  static final long BYTES_PER_ROW = 64;
  /** A spilled training row's offset in {@link RowSpill}'s index. */
  static final long SPILLED_ROW_HEAP_BYTES = 8;
  /** float32 weights, gradients, Adam's two moments, the best epoch's weights and a checkpoint's serialized copy. */
  static final long BYTES_PER_PARAMETER = 4 * 6;
  /**
   * Sharded tables (train.embedding_update = sharded) live on the heap as Java arrays: weights and Adam's two moments,
   * the best epoch's copy, and the copy a checkpoint serializes.
   */
  static final long SHARD_BYTES_PER_PARAMETER = 4 * 3 * 3;
  /** Spark's reserved system memory, never available to tasks. */
  static final long SPARK_RESERVED = 300L << 20;
  private static final long MB = 1L << 20;

  /** The estimate for {@code trainRows} spread over {@code workers}, with {@code config}'s model and batch sizes. */
  public static WorkerMemory of(FeatureSchema schema, InfnetConfig config, long trainRows, int workers, long validRows) {
    return new WorkerMemory(schema, config, trainRows, workers, validRows);
  }

  long trainRowsPerWorker() {
    return (trainRows + workers - 1) / workers;
  }

  long bytesPerRow() {
    long arrays = 1 + schema.multiValuedFields().size(), values = schema.fields().size() + schema.tasks().size();
    for (FeatureSchema.Field f : schema.multiValuedFields()) values += f.maxValues();
    for (FeatureSchema.Sequence s : schema.sequences()) {
      int columns = s.fields().size() + (schema.gapBuckets() > 0 ? 1 : 0);
      arrays += columns;
      values += (long) columns * s.maxLength();
    }
    return BYTES_PER_ROW + arrays * BYTES_PER_ARRAY + values * BYTES_PER_VALUE;
  }

  /** A training row in the spill file at its longest (every list at its max length): int32 values and length prefixes. */
  long spillBytesPerRow() {
    long ints = 1 + schema.fields().size() + 1 + 1 + 1 + 1 + schema.tasks().size();
    for (FeatureSchema.Field f : schema.multiValuedFields()) ints += 1 + f.maxValues();
    for (FeatureSchema.Sequence s : schema.sequences()) {
      ints += 1 + (long) s.fields().size() * (1 + s.maxLength());
      if (schema.gapBuckets() > 0) ints += 1 + s.maxLength();
    }
    return 4 * ints;
  }

  /** Local disk per worker for its spilled training rows. */
  long spillBytes() {
    return trainRowsPerWorker() * spillBytesPerRow();
  }

  /** The parsed rows of one training batch on this worker, the only training rows on the heap at a time. */
  private long batchRowsPerWorker() {
    return Math.max(1, config.get(Keys.TRAIN_BATCH_SIZE) / workers);
  }

  boolean sharded() {
    return config.get(Keys.TRAIN_EMBEDDING_UPDATE) == io.infnet.config.choices.EmbeddingUpdate.SHARDED;
  }

  /**
   * The embedding rows one worker of a sharded run can come to hold (× d): rows are created on first touch, so each
   * worker holds at most 1/W of the rows the data's ids can name, whichever is smaller: every table's rows, or every id
   * occurrence in the training and validation rows.
   */
  long shardedParameters() {
    long idsPerRow = schema.fields().size();
    for (FeatureSchema.Field f : schema.multiValuedFields()) idsPerRow += f.maxValues();
    for (FeatureSchema.Sequence q : schema.sequences()) idsPerRow += (long) q.fields().size() * q.maxLength();
    long tableRows = 0;
    for (FeatureSchema.Field f : schema.fields()) tableRows += f.cardinality();
    long rows = Math.min(tableRows, (trainRows + validRows) * idsPerRow);
    return (rows + workers - 1) / workers * config.get(Keys.MODEL_DIM);
  }

  private long shardBytes() {
    return sharded() ? shardedParameters() * SHARD_BYTES_PER_PARAMETER : 0;
  }

  /** The embedding tables held in libtorch (none when sharded): the dense layers are small next to them. */
  long parameters() {
    if (sharded()) return 0;
    long parameters = 0;
    for (FeatureSchema.Field f : schema.fields()) parameters += (long) f.cardinality() * config.get(Keys.MODEL_DIM);
    return parameters;
  }

  LibtorchMemory libtorch() {
    return LibtorchMemory.of(schema, config, workers, validRows);
  }

  /** The heap the rows (and a sharded run's shards) need, Spark's reserve included. */
  long heapNeeded() {
    return trainRowsPerWorker() * SPILLED_ROW_HEAP_BYTES + (batchRowsPerWorker() + validRows) * bytesPerRow() + shardBytes()
        + SPARK_RESERVED;
  }

  /** Outside the heap: the model's state, libtorch's runtime and activations. */
  long nativeNeeded() {
    return parameters() * BYTES_PER_PARAMETER + libtorch().bytes();
  }

  private boolean heapFits(Limits limits) {
    return heapNeeded() <= limits.heapBytes();
  }

  /** local[*]: nothing outside the driver's heap is limited but the machine, so only the heap is checked there. */
  private boolean nativeFits(Limits limits) {
    return limits.manager() == Manager.LOCAL || nativeNeeded() <= limits.nativeBytes();
  }

  /** Who starts the worker JVMs, and so what limits their memory. */
  public enum Manager {
    /** local[*]: the driver's JVM trains. */
    LOCAL,
    /** spark:// or local-cluster: executors are plain JVMs; only -Xmx is applied, the overhead is not enforced. */
    STANDALONE,
    /** YARN, Kubernetes: a container of spark.executor.memory + overhead, killed when its resident memory exceeds it. */
    CONTAINER
  }

  /** What a worker's JVM may use: {@code nativeBytes} is spark.executor.memoryOverhead as Spark computes it. */
  public record Limits(long heapBytes, long nativeBytes, String settings, Manager manager) {
    /** local[*]: the driver's own heap; a cluster: spark.executor.memory and its overhead as Spark computes them. */
    public static Limits of(SparkConf conf, long driverHeapBytes) {
      String master = conf.get("spark.master", "local[*]");
      if (master.startsWith("local") && !master.startsWith("local-cluster")) {
        return new Limits(driverHeapBytes, Long.MAX_VALUE, "driver heap -Xmx" + mb(driverHeapBytes)
            + " (--driver-memory, INFNET_DRIVER_MEMORY)", Manager.LOCAL);
      }
      long heap = conf.getSizeAsBytes("spark.executor.memory", "1g");
      // Spark 4: max(spark.executor.minMemoryOverhead, factor × memory) unless memoryOverhead is set (MiB without unit)
      long overhead = conf.contains("spark.executor.memoryOverhead")
          ? conf.getSizeAsMb("spark.executor.memoryOverhead", "384") * MB
          : Math.max(conf.getSizeAsMb("spark.executor.minMemoryOverhead", "384") * MB,
              (long) (heap * conf.getDouble("spark.executor.memoryOverheadFactor", 0.1)));
      boolean standalone = master.startsWith("spark://") || master.startsWith("local-cluster");
      return new Limits(heap, overhead, "spark.executor.memory=" + mb(heap) + " + overhead " + mb(overhead),
          standalone ? Manager.STANDALONE : Manager.CONTAINER);
    }
  }

  /** Throws a {@link JobFailure} naming the estimate and what would fit, when the heap or the native part does not. */
  public void requireFits(Limits limits) {
    boolean heapFits = heapFits(limits), nativeFits = nativeFits(limits);
    if (heapFits && nativeFits) return;
    boolean local = limits.manager() == Manager.LOCAL;
    String outside = local ? "" : String.format(Locale.ROOT, " and ~%s outside it (libtorch runtime %s, activations ~%s "
        + "for its %s, state %s)", mb(nativeNeeded()), mb(LibtorchMemory.RUNTIME), mb(libtorch().activationBytes()),
        libtorch().largestBatch(), mb(parameters() * BYTES_PER_PARAMETER));
    List<String> fixes = new ArrayList<>();
    if (!heapFits) fixes.add((local ? "--driver-memory " : "--executor-memory ") + gb(heapNeeded()));
    if (!nativeFits) fixes.add("--conf spark.executor.memoryOverhead=" + roundedUpMb(nativeNeeded()));
    throw new JobFailure(String.format(Locale.ROOT,
        "train: a worker would need ~%s of heap (%,d train rows per worker × %d bytes, spilled to ~%s of local disk; "
            + "%,d validation rows and a batch of %,d × ~%,d bytes, %s%s Spark reserve)%s but has %s: give it %s%s%s%s",
        mb(heapNeeded()), trainRowsPerWorker(), SPILLED_ROW_HEAP_BYTES, mb(spillBytes()), validRows, batchRowsPerWorker(),
        bytesPerRow(), shardNote(), mb(SPARK_RESERVED), outside, limits.settings(),
        String.join(" and ", fixes), local ? " (or train on a cluster with more train.workers)" : moreWorkers(limits),
        sharded() && !heapFits ? ", or hash the largest fields into fewer rows (features.hash_buckets) or lower model.dim" : "",
        limits.manager() == Manager.STANDALONE && !nativeFits
            ? " (a standalone cluster does not enforce the overhead: the machine's memory is the limit)" : ""));
  }

  private String shardNote() {
    return sharded() ? String.format(Locale.ROOT, "embedding shards %s (%,d parameters × %d bytes), ", mb(shardBytes()),
        shardedParameters(), SHARD_BYTES_PER_PARAMETER) : "";
  }

  /** The smallest divisor of the shuffle block above {@code workers} at which the same executors would fit, if any. */
  private String moreWorkers(Limits limits) {
    for (int w = workers * 2; w <= DistributedTrainer.SHUFFLE_BLOCK; w *= 2) {
      WorkerMemory spread = new WorkerMemory(schema, config, trainRows, w, validRows);
      if (spread.heapFits(limits) && spread.nativeFits(limits)) return " or train.workers=" + w;
    }
    return "";
  }

  private static String mb(long bytes) {
    return ((bytes + MB - 1) / MB) + "m";
  }

  /** Up to a multiple of 256 MB: an overhead one would write. */
  private static String roundedUpMb(long bytes) {
    long quarterGb = 256 * MB;
    return ((bytes + quarterGb - 1) / quarterGb) * 256 + "m";
  }

  /** Whole gigabytes, rounded up: what one would pass to --executor-memory. */
  private static String gb(long bytes) {
    return ((bytes + (1L << 30) - 1) >> 30) + "g";
  }
}
