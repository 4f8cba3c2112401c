package io.infnet.jobs.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.SparkSessions;
import io.infnet.jobs.data.RowBatches;
import io.infnet.lake.Checksums;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.io.ModelExport;
import io.infnet.schema.FeatureSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** Issue 11, item 4: each scoring task predicts with its own copy of the model, never with one shared under a lock. */
class ExecutorPredictorsTest {
  private static final FeatureSchema SCHEMA = new FeatureSchema(
      List.of(new FeatureSchema.Field("video_id", 10), new FeatureSchema.Field("tag", 6, 3)),
      List.of(new FeatureSchema.Sequence("click", 4, List.of("video_id", "tag"))), List.of("click"), 0);

  @Test
  void concurrentTasksGetTheirOwnCopiesWhichPredictAlikeAndAreReused(@TempDir Path dir) throws Exception {
    InfnetConfig config = InfnetConfig.defaults().with("tasks.names=click", "model.dim=8", "model.tower_hidden=16");
    try (RankingModel model = Models.create(ModelSpec.from(config, SCHEMA), 7)) {
      ModelExport.save(model, dir, null);
    }
    byte[] manifest = Files.readAllBytes(dir.resolve(ModelExport.MANIFEST_FILE));
    byte[] weights = Files.readAllBytes(dir.resolve(ModelExport.WEIGHTS_FILE));
    String sha = Checksums.sha256(weights);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(
        SparkSessions.getOrCreate(InfnetConfig.defaults().with("spark.master=local[2]"), "executor-predictors-test").sparkContext());
    Broadcast<byte[][]> bytes = jsc.broadcast(new byte[][] {manifest, weights});

    RankingModel first = ExecutorPredictors.borrow(sha, bytes);
    RankingModel second = ExecutorPredictors.borrow(sha, bytes);
    assertNotSame(first, second, "two tasks at once: two copies");
    float[][] expected = first.predict(batch());
    // both copies predicting at the same time, many times: each is one thread's alone, so nothing interleaves
    List<CompletableFuture<float[][]>> runs = List.of(first, second).stream()
        .map(m -> CompletableFuture.supplyAsync(() -> {
          float[][] last = null;
          for (int i = 0; i < 20; i++) last = m.predict(batch());
          return last;
        })).toList();
    for (CompletableFuture<float[][]> run : runs) {
      float[][] got = run.get();
      for (int r = 0; r < expected.length; r++) assertArrayEquals(expected[r], got[r], 0f);
    }
    ExecutorPredictors.giveBack(sha, first);
    assertSame(first, ExecutorPredictors.borrow(sha, bytes), "a copy given back is the next task's: no reload");
    ExecutorPredictors.giveBack(sha, first);
    ExecutorPredictors.giveBack(sha, second);
  }

  private static Batch batch() {
    RowBatches batches = new RowBatches(SCHEMA, false);
    Batch batch = batches.newBatch(2);
    batches.add(batch, RowFactory.create(ints(3, 2), ints(2, 5, 1), ints(7), ints(4), 1));
    batches.add(batch, RowFactory.create(ints(4, 0), ints(), ints(), ints(), 0));
    return batch;
  }

  private static Object ints(Integer... values) {
    return CollectionConverters.asScala(List.of(values)).toSeq();
  }
}
