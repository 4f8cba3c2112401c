package io.infnet.jobs.dist;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.jobs.JobFailure;
import io.infnet.schema.FeatureSchema;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The memory check a run passes before training: refused with the estimate and what would fit, or let through. */
class WorkerMemoryTest {
  /** Two ids and a label per row: one array of 3 values, 64 + 40 + 3 × 20 = 164 bytes; 1,500 ids × d=8 parameters. */
  private static final FeatureSchema SMALL = new FeatureSchema(
      List.of(new FeatureSchema.Field("user_id", 1000), new FeatureSchema.Field("video_id", 500)), List.of(), List.of("click"), 0);

  private static WorkerMemory.Limits executors(String memory) {
    return WorkerMemory.Limits.of(new SparkConf(false).setMaster("spark://host:7077").set("spark.executor.memory", memory), 0);
  }

  @Test
  void aTinyExecutorMemoryIsRefusedWithTheEstimateAndTheMemoryThatWouldFit() {
    WorkerMemory estimate = WorkerMemory.of(SMALL, 8, 100_000, 1, 10_000);
    assertEquals(164, estimate.bytesPerRow());
    JobFailure e = assertThrows(JobFailure.class, () -> estimate.requireFits(executors("64m"), 1));
    assertEquals("train: a worker would hold ~318m (100,000 train rows per worker and 10,000 validation rows × ~164 bytes "
        + "on the heap, 12,000 embedding parameters × 24 bytes of state, 300m Spark reserve) but has "
        + "spark.executor.memory=64m + overhead 384m: give it --executor-memory 1g", e.getMessage());
  }

  @Test
  void moreWorkersAreSuggestedWhenTheirShareOfTheRowsWouldFit() {
    JobFailure e = assertThrows(JobFailure.class,
        () -> WorkerMemory.of(SMALL, 8, 6_000_000, 1, 10_000).requireFits(executors("1g"), 1));
    assertTrue(e.getMessage().endsWith("but has spark.executor.memory=1024m + overhead 384m: give it --executor-memory 2g "
        + "or train.workers=2"), e.getMessage());
    assertDoesNotThrow(() -> WorkerMemory.of(SMALL, 8, 6_000_000, 2, 10_000).requireFits(executors("1g"), 2));
  }

  /** The quick start's size (337k impressions, ~240k train rows) with its default features fits the default 4g driver. */
  @Test
  void theQuickStartFitsTheDefaultDriverHeapOnLocal() {
    List<FeatureSchema.Field> fields = new java.util.ArrayList<>();
    for (int i = 0; i < 41; i++) fields.add(new FeatureSchema.Field("f" + i, 50));
    fields.add(new FeatureSchema.Field("tag", 60, 4));
    List<FeatureSchema.Sequence> sequences = List.of(new FeatureSchema.Sequence("click", 30, List.of("f0", "f1", "tag")),
        new FeatureSchema.Sequence("long_view", 30, List.of("f0", "f1", "tag")));
    FeatureSchema quickstart = new FeatureSchema(fields, sequences, List.of("click", "like", "long_view"), 12);
    WorkerMemory.Limits local = WorkerMemory.Limits.of(new SparkConf(false).setMaster("local[*]"), 4L << 30);
    assertDoesNotThrow(() -> WorkerMemory.of(quickstart, 32, 240_000, 1, 24_000).requireFits(local, 1));
    JobFailure e = assertThrows(JobFailure.class,
        () -> WorkerMemory.of(quickstart, 32, 2_400_000, 1, 240_000).requireFits(local, 1));
    assertTrue(e.getMessage().contains("but has driver heap -Xmx4096m (--driver-memory, INFNET_DRIVER_MEMORY): give it "
        + "--driver-memory "), e.getMessage());
  }
}
