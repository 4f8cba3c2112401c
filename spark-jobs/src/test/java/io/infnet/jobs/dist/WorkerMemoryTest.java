package io.infnet.jobs.dist;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.jobs.JobFailure;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The memory check a run passes before training: refused with the estimate and what would fit, or let through. */
class WorkerMemoryTest {
  /**
   * Two ids and a label per row: as a Spark row one array of 3 values, 64 + 40 + 3 × 20 = 164 bytes; spilled, 8 int32
   * (3 values, 5 length prefixes) = 32 bytes; 1,500 ids × d=8 parameters.
   */
  private static final FeatureSchema SMALL = new FeatureSchema(
      List.of(new FeatureSchema.Field("user_id", 1000), new FeatureSchema.Field("video_id", 500)), List.of(), List.of("click"), 0);
  private static final InfnetConfig D8 = InfnetConfig.defaults().with("model.dim=8");

  /** The quick start's features at the default config: 42 fields (tag multi-valued), 2 sequences × 30 events. */
  private static FeatureSchema quickstart() {
    List<FeatureSchema.Field> fields = new ArrayList<>();
    for (int i = 0; i < 41; i++) fields.add(new FeatureSchema.Field("f" + i, 50));
    fields.add(new FeatureSchema.Field("tag", 60, 4));
    List<FeatureSchema.Sequence> sequences = List.of(new FeatureSchema.Sequence("click", 30, List.of("f0", "f1", "tag")),
        new FeatureSchema.Sequence("long_view", 30, List.of("f0", "f1", "tag")));
    return new FeatureSchema(fields, sequences, List.of("click", "like", "long_view"), 12);
  }

  private static WorkerMemory.Limits executors(String master, String... settings) {
    SparkConf conf = new SparkConf(false).setMaster(master);
    for (int i = 0; i < settings.length; i += 2) conf.set(settings[i], settings[i + 1]);
    return WorkerMemory.Limits.of(conf, 0);
  }

  private static WorkerMemory.Limits standalone(String memory, String overhead) {
    return executors("spark://host:7077", "spark.executor.memory", memory, "spark.executor.memoryOverhead", overhead);
  }

  @Test
  void aTinyExecutorIsRefusedWithTheEstimateAndTheSettingsThatWouldFit() {
    WorkerMemory estimate = WorkerMemory.of(SMALL, D8, 100_000, 1, 10_000);
    assertEquals(164, estimate.bytesPerRow());
    assertEquals(32, estimate.spillBytesPerRow());
    JobFailure e = assertThrows(JobFailure.class,
        () -> estimate.requireFits(executors("yarn", "spark.executor.memory", "64m")));
    assertEquals("train: a worker would need ~303m of heap (100,000 train rows per worker × 8 bytes, spilled to ~4m of "
        + "local disk; 10,000 validation rows and a batch of 1,024 × ~164 bytes, 300m Spark reserve) and ~519m outside it (libtorch runtime 512m, activations ~6m for its "
        + "validation batch 4096, state 1m) but has spark.executor.memory=64m + overhead 384m: give it "
        + "--executor-memory 1g and --conf spark.executor.memoryOverhead=768m", e.getMessage());
  }

  /** Training rows are spilled to disk, 8 bytes each on the heap: it takes 10^8 of them to outgrow a 1g heap. */
  @Test
  void moreWorkersAreSuggestedWhenTheirShareOfTheRowsWouldFit() {
    WorkerMemory.Limits limits = standalone("1g", "640m");
    assertDoesNotThrow(() -> WorkerMemory.of(SMALL, D8, 6_000_000, 1, 10_000).requireFits(limits), "6M rows: 48 MB of offsets");
    JobFailure e = assertThrows(JobFailure.class, () -> WorkerMemory.of(SMALL, D8, 120_000_000, 1, 10_000).requireFits(limits));
    assertTrue(e.getMessage().endsWith("but has spark.executor.memory=1024m + overhead 640m: give it --executor-memory 2g "
        + "or train.workers=2"), e.getMessage());
    assertDoesNotThrow(() -> WorkerMemory.of(SMALL, D8, 120_000_000, 2, 10_000).requireFits(limits));
  }

  /**
   * The measured cluster run (docs/BENCHMARKS.md, "Peak memory"): 2 workers on the quick start's rows, 2 GB executors,
   * peaked at 2,668 MB resident, over 2 GB + the default 384 MB overhead. The heap holds the rows; libtorch's runtime
   * and a validation batch of 4,096 rows do not fit the default overhead.
   */
  @Test
  void theMeasuredClusterRunIsRefusedWithTheDefaultOverheadAndAcceptedWithTheAdvisedOne() {
    WorkerMemory estimate = WorkerMemory.of(quickstart(), InfnetConfig.defaults(), 265_015, 2, 24_349);
    JobFailure e = assertThrows(JobFailure.class,
        () -> estimate.requireFits(executors("spark://host:7077", "spark.executor.memory", "2g")));
    assertTrue(e.getMessage().startsWith("train: a worker would need ~450m of heap (132,508 train rows per worker × 8 bytes, "
        + "spilled to ~155m of local disk; 24,349 validation rows and a batch of 512 × ~6,244 bytes, 300m Spark reserve)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("and ~1738m outside it (libtorch runtime 512m, activations ~1224m for its "
        + "validation batch 4096, state 2m) but has spark.executor.memory=2048m + overhead 384m: give it "
        + "--conf spark.executor.memoryOverhead=1792m (a standalone cluster does not enforce the overhead: the machine's "
        + "memory is the limit)"), e.getMessage());
    assertFalse(e.getMessage().contains("--executor-memory"), "the rows fit the heap: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertThrows(JobFailure.class, () -> estimate.requireFits(standalone("2g", "1536m")));
    assertDoesNotThrow(() -> estimate.requireFits(standalone("2g", "1792m")));
    assertDoesNotThrow(() -> estimate.requireFits(executors("spark://host:7077", "spark.executor.memory", "2g",
        "spark.executor.minMemoryOverhead", "2g")), "Spark 4's floor of the derived overhead");
  }

  @Test
  void aContainerClusterIsAdvisedTheOverheadWithoutTheStandaloneNote() {
    WorkerMemory estimate = WorkerMemory.of(quickstart(), InfnetConfig.defaults(), 265_015, 2, 24_349);
    JobFailure e = assertThrows(JobFailure.class,
        () -> estimate.requireFits(executors("k8s://https://host:6443", "spark.executor.memory", "2g")));
    assertTrue(e.getMessage().endsWith("give it --conf spark.executor.memoryOverhead=1792m"), e.getMessage());
  }

  /** The activations follow the larger batch: a smaller score.batch_size shrinks the validation batch's share. */
  @Test
  void smallerBatchesNeedLessOutsideTheHeap() {
    InfnetConfig smallBatches = InfnetConfig.defaults().with("score.batch_size=1024");
    WorkerMemory estimate = WorkerMemory.of(quickstart(), smallBatches, 265_015, 2, 24_349);
    assertDoesNotThrow(() -> estimate.requireFits(standalone("2g", "1024m")));
    JobFailure e = assertThrows(JobFailure.class,
        () -> WorkerMemory.of(quickstart(), smallBatches.with("train.batch_size=4096", "model.dim=64"), 265_015, 2, 24_349)
            .requireFits(standalone("2g", "1024m")));
    assertTrue(e.getMessage().contains("for its training batch 2048"), e.getMessage());
    assertDoesNotThrow(() -> WorkerMemory.of(quickstart(), InfnetConfig.defaults().with("train.device=gpu"), 265_015, 2,
        24_349).requireFits(standalone("2g", "640m")), "on a GPU the activations are in the device's memory");
  }

  /**
   * The quick start's size (337k impressions, ~240k train rows) with its default features fits the default 4g driver;
   * with training rows spilled, what outgrows it is the validation rows (~6 KB each as Spark rows, on every worker).
   */
  @Test
  void theQuickStartFitsTheDefaultDriverHeapOnLocal() {
    WorkerMemory.Limits local = WorkerMemory.Limits.of(new SparkConf(false).setMaster("local[*]"), 4L << 30);
    assertDoesNotThrow(() -> WorkerMemory.of(quickstart(), InfnetConfig.defaults(), 240_000, 1, 24_000).requireFits(local));
    JobFailure e = assertThrows(JobFailure.class,
        () -> WorkerMemory.of(quickstart(), InfnetConfig.defaults(), 24_000_000, 1, 700_000).requireFits(local));
    assertTrue(e.getMessage().contains("but has driver heap -Xmx4096m (--driver-memory, INFNET_DRIVER_MEMORY): give it "
        + "--driver-memory "), e.getMessage());
    assertFalse(e.getMessage().contains("outside it"), "local[*] checks the heap only: " + e.getMessage());
  }

  /**
   * Sharded tables live on the workers' heaps, 1/W each, and only the rows the data can name: a 10^8-row field is
   * refused on one worker with the estimate and the settings that would fit, and fits when spread over 16 workers.
   */
  @Test
  void shardedTablesCountOnTheHeapOnceSpreadOverTheWorkers() {
    FeatureSchema huge = new FeatureSchema(List.of(new FeatureSchema.Field("user_id", 100_000_000), new FeatureSchema.Field("video_id", 500)),
        List.of(), List.of("click"), 0);
    InfnetConfig sharded = D8.with("train.embedding_update=sharded");
    WorkerMemory one = WorkerMemory.of(huge, sharded, 30_000_000, 1, 10_000);
    assertEquals(0, one.parameters(), "nothing of the tables in libtorch");
    assertEquals((30_010_000L * 2) * 8, one.shardedParameters(), "bounded by the ids the rows hold (2 per row), not the 10^8 rows");
    assertEquals(100_000_500L * 8 / 2, WorkerMemory.of(huge, sharded, 600_000_000, 2, 10_000).shardedParameters(),
        "bounded by the tables' rows, over 2 workers");
    JobFailure e = assertThrows(JobFailure.class, () -> one.requireFits(standalone("8g", "4g")));
    assertTrue(e.getMessage().contains("embedding shards 16485m (480,160,000 parameters × 36 bytes)"), e.getMessage());
    assertTrue(e.getMessage().contains("or train.workers=4"), e.getMessage());
    assertTrue(e.getMessage().endsWith("or hash the largest fields into fewer rows (features.hash_buckets) or lower model.dim"), e.getMessage());
    assertDoesNotThrow(() -> WorkerMemory.of(huge, sharded, 30_000_000, 4, 10_000).requireFits(standalone("8g", "4g")));
  }
}
