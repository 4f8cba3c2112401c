package io.infnet.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import io.infnet.model.nn.Module.NamedParameter;
import io.infnet.model.train.shard.EmbeddingShard;
import io.infnet.model.train.shard.RowExchange;
import io.infnet.model.train.shard.ShardFile;
import io.infnet.model.train.shard.ShardedTables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * train.embedding_update = sharded in one JVM: one worker holding every shard trains as row-wise updates do from the
 * same initial rows; two workers read each other's rows through the exchange; a checkpoint's shards re-split onto
 * another worker count. (Two workers training in step need two JVMs: DistributedTrainingIT runs them on a cluster.)
 */
class ShardedTablesTest {
  private static final double TOLERANCE = 2e-5;

  @Test
  void oneWorkerWithShardsTrainsAsRowWiseUpdatesFromTheSameRows() {
    ModelSpec spec = Synthetic.spec(Synthetic.schemaWithMultiValuedTag());
    List<Batch> batches = TrainerTest.batches(spec, 6, 16, 61);
    TrainingOptions rowsOptions = TrainerTest.options("train.embedding_update=rows", "train.grad_clip_norm=0.05");
    TrainingOptions shardedOptions = TrainerTest.options("train.embedding_update=sharded", "train.grad_clip_norm=0.05");
    try (NetworkModel held = (NetworkModel) Models.create(spec, 5);
         NetworkModel elsewhere = Models.createWithTablesElsewhere(spec, 5, held.manager().getDevice());
         Trainer rows = new Trainer(held, rowsOptions);
         Trainer sharded = new Trainer(elsewhere, shardedOptions)) {
      for (String table : elsewhere.tablesElsewhere()) held.setWeights(table, initialTable(held.parameters().get(table), shardedOptions.seed()));
      assertEquals(held.weightsByName().keySet().size() - elsewhere.tablesElsewhere().size(), elsewhere.weightsByName().size(),
          "the model without its tables holds every other weight");
      for (Batch batch : batches) {
        double expected = rows.step(batch).loss();
        double actual = sharded.step(batch).loss();
        assertEquals(expected, actual, TOLERANCE * Math.abs(expected), "loss");
        assertEquals(rows.lastGradientNorm(), sharded.lastGradientNorm(), TOLERANCE * rows.lastGradientNorm(), "global gradient norm");
      }
      assertTrue(rows.lastGradientNorm() > 0.05, "the clip must act for the test to check the sharded rows' part of the norm");
      float[][] expected = held.predict(batches.get(0));
      float[][] actual = elsewhere.predict(batches.get(0)); // inference reads the shards too
      for (int r = 0; r < expected.length; r++) assertArrayEquals(expected[r], actual[r], 1e-5f, "prediction of row " + r);
      for (String table : elsewhere.tablesElsewhere()) {
        long rowsOfTable = held.parameters().get(table).shape().get(0);
        long stored = sharded.shards().shards().get(table).rowCount();
        assertTrue(stored > 0 && stored <= rowsOfTable, table + ": " + stored + " of " + rowsOfTable);
        if (table.endsWith("embedding.table")) {
          assertTrue(stored < rowsOfTable, "only the rows the batches touched are stored, " + stored + " of " + rowsOfTable);
        }
      }
    }
  }

  @Test
  void aModelWithoutItsTablesTrainsOnlySharded() {
    ModelSpec spec = Synthetic.spec();
    try (NetworkModel elsewhere = Models.createWithTablesElsewhere(spec, 5, ai.djl.Device.cpu());
         NetworkModel held = (NetworkModel) Models.create(spec, 5)) {
      assertThrows(IllegalArgumentException.class, () -> new Trainer(elsewhere, TrainerTest.options("train.embedding_update=rows")));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Trainer(held, TrainerTest.options("train.embedding_update=sharded")));
      assertTrue(e.getMessage().contains("createWithTablesElsewhere"), e.getMessage());
    }
  }

  /** Each worker reads ids of both owners; an owner's update is what the other then reads. */
  @Test
  void twoWorkersReadEachOthersRowsThroughTheExchange() throws Exception {
    ModelSpec spec = Synthetic.spec();
    TrainingOptions options = TrainerTest.options("train.embedding_update=sharded");
    InMemoryExchange mesh = new InMemoryExchange(2);
    try (NetworkModel a = Models.createWithTablesElsewhere(spec, 5, ai.djl.Device.cpu());
         NetworkModel b = Models.createWithTablesElsewhere(spec, 5, ai.djl.Device.cpu())) {
      ShardedTables zero = new ShardedTables(a, options, mesh.worker(0));
      ShardedTables one = new ShardedTables(b, options, mesh.worker(1));
      String table = a.tablesElsewhere().iterator().next();
      NamedParameter p = a.parameters().get(table);
      int width = Math.toIntExact(p.shape().get(1));
      float[] step = new float[2 * width];
      java.util.Arrays.fill(step, 0.5f);
      zero.update(table, new long[] {4, 6}, step, 1, 0.1, 1); // worker 0 owns even rows
      assertThrows(IllegalArgumentException.class, () -> zero.update(table, new long[] {5}, new float[width], 1, 0.1, 1));

      long[] idsA = {1, 2, 3, 4};
      long[] idsB = {0, 5, 6};
      CompletableFuture<float[]> readA = CompletableFuture.supplyAsync(() -> read(zero, a, table, idsA));
      CompletableFuture<float[]> readB = CompletableFuture.supplyAsync(() -> read(one, b, table, idsB));
      float[] rowsA = readA.get();
      float[] rowsB = readB.get();
      float[] updated = zero.shards().get(table).read(new long[] {4, 6});
      for (int i = 0; i < idsA.length; i++) {
        float[] want = idsA[i] == 4 ? java.util.Arrays.copyOfRange(updated, 0, width)
            : EmbeddingShard.initialRow(table, width, p.init(), options.seed(), idsA[i]);
        assertArrayEquals(want, java.util.Arrays.copyOfRange(rowsA, i * width, (i + 1) * width), "worker 0, row " + idsA[i]);
      }
      assertArrayEquals(java.util.Arrays.copyOfRange(updated, width, 2 * width),
          java.util.Arrays.copyOfRange(rowsB, 2 * width, 3 * width), "worker 1 reads row 6 as its owner updated it");
      assertTrue(mesh.rounds() == 1, "one exchange round per lookup");
    }
  }

  /** Shards written by 2 workers load onto 1 or 3 workers, each keeping exactly the rows it owns. */
  @Test
  void aCheckpointsShardsResplitOntoAnotherWorkerCount() throws Exception {
    ModelSpec spec = Synthetic.spec();
    TrainingOptions options = TrainerTest.options("train.embedding_update=sharded");
    InMemoryExchange two = new InMemoryExchange(2);
    List<Map<String, EmbeddingShard.Contents>> files = new ArrayList<>();
    String table;
    try (NetworkModel m = Models.createWithTablesElsewhere(spec, 5, ai.djl.Device.cpu())) {
      table = m.tablesElsewhere().iterator().next();
      int width = Math.toIntExact(m.parameters().get(table).shape().get(1));
      for (int rank = 0; rank < 2; rank++) {
        ShardedTables worker = new ShardedTables(m, options, two.worker(rank));
        long[] ids = rank == 0 ? new long[] {0, 2, 8} : new long[] {1, 3, 9};
        worker.update(table, ids, new float[ids.length * width], 1, 0.1, 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ShardFile.write(worker.contents(), bytes);
        files.add(ShardFile.read(new ByteArrayInputStream(bytes.toByteArray()), "shard " + rank));
      }
      ShardedTables alone = new ShardedTables(m, options, RowExchange.ALONE);
      alone.load(files);
      assertArrayEquals(new long[] {0, 1, 2, 3, 8, 9}, alone.contents().get(table).ids());
      ShardedTables third = new ShardedTables(m, options, new InMemoryExchange(3).worker(2));
      third.load(files);
      assertArrayEquals(new long[] {2, 8}, third.contents().get(table).ids(), "ids mod 3 = 2");
    }
  }

  private static float[] read(ShardedTables tables, NetworkModel model, String table, long[] ids) {
    try (NDScope ignored = new NDScope()) {
      NDArray array = model.manager().create(ids);
      return tables.read(model.parameters().get(table).parameter(), array).toFloatArray();
    }
  }

  private static float[] initialTable(NamedParameter p, long seed) {
    int rows = Math.toIntExact(p.shape().get(0));
    int width = Math.toIntExact(p.shape().get(1));
    float[] out = new float[rows * width];
    for (int id = 0; id < rows; id++) System.arraycopy(EmbeddingShard.initialRow(p.name(), width, p.init(), seed, id), 0, out, id * width, width);
    return out;
  }

  /** W workers' rounds through shared slots and a barrier: what the peer mesh does over TCP. */
  private static final class InMemoryExchange {
    private final int workers;
    private final CyclicBarrier barrier;
    private final Object[][] requests;
    private final Object[][] answers;
    private int rounds;

    InMemoryExchange(int workers) {
      this.workers = workers;
      this.barrier = new CyclicBarrier(workers, () -> rounds++);
      this.requests = new Object[workers][workers];
      this.answers = new Object[workers][workers];
    }

    int rounds() {
      return rounds / 3;
    }

    RowExchange worker(int rank) {
      return new RowExchange() {
        @Override
        public int rank() {
          return rank;
        }

        @Override
        public int workers() {
          return workers;
        }

        @Override
        public List<float[]> fetch(String table, List<long[]> wanted, Function<long[], float[]> serve) {
          try {
            for (int o = 0; o < workers; o++) requests[rank][o] = wanted.get(o);
            barrier.await();
            for (int peer = 0; peer < workers; peer++) answers[rank][peer] = peer == rank ? null : serve.apply((long[]) requests[peer][rank]);
            barrier.await();
            List<float[]> out = new ArrayList<>();
            for (int o = 0; o < workers; o++) out.add(o == rank ? null : (float[]) answers[o][rank]);
            barrier.await();
            return out;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }

        @Override
        public long bytesSent() {
          return 0;
        }
      };
    }
  }
}
