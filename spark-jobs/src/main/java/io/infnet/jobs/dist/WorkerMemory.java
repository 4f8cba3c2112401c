package io.infnet.jobs.dist;

import io.infnet.jobs.JobFailure;
import io.infnet.schema.FeatureSchema;
import java.util.Locale;
import org.apache.spark.SparkConf;

/**
 * What one training worker will hold, estimated before the run starts, against the memory its JVM may use: a run that
 * cannot fit fails at once with the estimate and the settings that would fit, instead of being OOM-killed (or
 * thrashing) after the shuffle. A worker holds its share of the training rows and every validation row as Spark rows
 * on the heap ({@link TrainingWorker}); the model's state is float32 tensors in libtorch and float[] copies.
 *
 * <p>The constants are deliberately on the high side: the check is meant to catch runs off by a factor, not to pack a
 * heap to its last megabyte (docs/RELIABILITY.md, "Memory").
 */
public record WorkerMemory(long trainRowsPerWorker, long validRows, long bytesPerRow, long parameters) {
  /** A boxed Integer (16 bytes) and its reference in a Spark row's array. */
  static final long BYTES_PER_VALUE = 20;
  static final long BYTES_PER_ARRAY = 40;
  static final long BYTES_PER_ROW = 64;
  /** float32 weights, gradients, Adam's two moments, the best epoch's weights and a checkpoint's serialized copy. */
  static final long BYTES_PER_PARAMETER = 4 * 6;
  /** Spark's reserved system memory, never available to tasks. */
  static final long SPARK_RESERVED = 300L << 20;
  private static final long MB = 1L << 20;

  /** The estimate for {@code trainRows} spread over {@code workers}, embeddings of width {@code dim}. */
  public static WorkerMemory of(FeatureSchema schema, int dim, long trainRows, int workers, long validRows) {
    long arrays = 1 + schema.multiValuedFields().size(), values = schema.fields().size() + schema.tasks().size();
    for (FeatureSchema.Field f : schema.multiValuedFields()) values += f.maxValues();
    for (FeatureSchema.Sequence s : schema.sequences()) {
      int columns = s.fields().size() + (schema.gapBuckets() > 0 ? 1 : 0);
      arrays += columns;
      values += (long) columns * s.maxLength();
    }
    long parameters = 0; // the embedding tables: the dense layers are small next to them at any realistic vocabulary
    for (FeatureSchema.Field f : schema.fields()) parameters += (long) f.cardinality() * dim;
    long bytesPerRow = BYTES_PER_ROW + arrays * BYTES_PER_ARRAY + values * BYTES_PER_VALUE;
    return new WorkerMemory((trainRows + workers - 1) / workers, validRows, bytesPerRow, parameters);
  }

  long rowBytes() {
    return (trainRowsPerWorker + validRows) * bytesPerRow;
  }

  long modelBytes() {
    return parameters * BYTES_PER_PARAMETER;
  }

  /** The heap the rows need, Spark's reserve included. */
  long heapNeeded() {
    return rowBytes() + SPARK_RESERVED;
  }

  /**
   * What a worker's JVM may use. {@code nativeBytes}: memory outside the heap a cluster manager allows before killing
   * the container (spark.executor.memoryOverhead); on local[*] nothing kills it, so only the heap is checked there.
   */
  public record Limits(long heapBytes, long nativeBytes, String settings, boolean local) {
    /** local[*]: the driver's own heap; a cluster: spark.executor.memory and its overhead as Spark computes them. */
    public static Limits of(SparkConf conf, long driverHeapBytes) {
      String master = conf.get("spark.master", "local[*]");
      if (master.startsWith("local") && !master.startsWith("local-cluster")) {
        return new Limits(driverHeapBytes, Long.MAX_VALUE, "driver heap -Xmx" + mb(driverHeapBytes)
            + " (--driver-memory, INFNET_DRIVER_MEMORY)", true);
      }
      long heap = conf.getSizeAsBytes("spark.executor.memory", "1g");
      long overhead = conf.contains("spark.executor.memoryOverhead")
          ? conf.getSizeAsMb("spark.executor.memoryOverhead", "384") * MB
          : Math.max(384 * MB, (long) (heap * conf.getDouble("spark.executor.memoryOverheadFactor", 0.1)));
      return new Limits(heap, overhead, "spark.executor.memory=" + mb(heap) + " + overhead " + mb(overhead), false);
    }
  }

  /** Throws a {@link JobFailure} naming the estimate and what would fit, when the rows or the whole do not fit. */
  public void requireFits(Limits limits, int workers) {
    boolean heapFits = heapNeeded() <= limits.heapBytes();
    boolean totalFits = limits.local() || heapNeeded() + modelBytes() <= limits.heapBytes() + limits.nativeBytes();
    if (heapFits && totalFits) return;
    long heapWanted = limits.local() ? heapNeeded() : Math.max(heapNeeded(), heapNeeded() + modelBytes() - limits.nativeBytes());
    throw new JobFailure(String.format(Locale.ROOT,
        "train: a worker would hold ~%s (%,d train rows per worker and %,d validation rows × ~%,d bytes on the heap, "
            + "%,d embedding parameters × %d bytes of state, %s Spark reserve) but has %s: give it %s%s%s",
        mb(heapNeeded() + modelBytes()), trainRowsPerWorker, validRows, bytesPerRow, parameters, BYTES_PER_PARAMETER,
        mb(SPARK_RESERVED), limits.settings(), limits.local() ? "--driver-memory " : "--executor-memory ", gb(heapWanted),
        limits.local() ? " (or train on a cluster with more train.workers)" : moreWorkers(limits, workers)));
  }

  /** The smallest divisor of the shuffle block above {@code workers} at which the same executors would fit, if any. */
  private String moreWorkers(Limits limits, int workers) {
    long totalRows = trainRowsPerWorker * workers;
    for (int w = workers * 2; w <= DistributedTrainer.SHUFFLE_BLOCK; w *= 2) {
      WorkerMemory spread = new WorkerMemory((totalRows + w - 1) / w, validRows, bytesPerRow, parameters);
      if (spread.heapNeeded() <= limits.heapBytes()
          && spread.heapNeeded() + spread.modelBytes() <= limits.heapBytes() + limits.nativeBytes()) {
        return " or train.workers=" + w;
      }
    }
    return "";
  }

  private static String mb(long bytes) {
    return ((bytes + MB - 1) / MB) + "m";
  }

  /** Whole gigabytes, rounded up: what one would pass to --executor-memory. */
  private static String gb(long bytes) {
    return ((bytes + (1L << 30) - 1) >> 30) + "g";
  }
}
