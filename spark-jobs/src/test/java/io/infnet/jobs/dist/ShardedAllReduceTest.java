package io.infnet.jobs.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Real sockets on loopback, one thread per worker. */
class ShardedAllReduceTest {
  interface WorkerBody<T> {
    T run(ShardedAllReduce reduce, int rank) throws Exception;
  }

  static <T> List<T> onWorkers(int workers, WorkerBody<T> body) throws Exception {
    List<ServerSocket> servers = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      ServerSocket s = PeerGroup.listen("127.0.0.1");
      servers.add(s);
      addresses.add("127.0.0.1:" + s.getLocalPort());
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        int rank = i;
        futures.add(pool.submit(() -> {
          try (PeerGroup g = PeerGroup.connect(rank, addresses, servers.get(rank), 10_000, 10_000)) {
            return body.run(new ShardedAllReduce(g), rank);
          }
        }));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) out.add(f.get());
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  static float[] randomVector(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
    return v;
  }

  @Test
  void denseSumIsExactAndIdenticalOnEveryWorker() throws Exception {
    int workers = 3;
    int n = 1001; // not divisible by 3: uneven shards
    List<float[]> results = onWorkers(workers, (reduce, rank) -> {
      float[] v = randomVector(n, rank);
      reduce.sumDense(v);
      return v;
    });
    float[] expected = new float[n];
    for (int r = 0; r < workers; r++) {
      float[] v = randomVector(n, r);
      for (int i = 0; i < n; i++) expected[i] += v[i];
    }
    for (float[] got : results) assertArrayEquals(expected, got, 0f);
  }

  @Test
  void sparseRowsAreSummedByIdAndIdenticalOnEveryWorker() throws Exception {
    int workers = 2;
    int width = 4;
    List<SparseRows> results = onWorkers(workers, (reduce, rank) -> reduce.sumSparse(rowsOf(rank, width)));
    TreeMap<Long, float[]> expected = new TreeMap<>();
    for (int r = 0; r < workers; r++) {
      SparseRows rows = rowsOf(r, width);
      for (int i = 0; i < rows.rows(); i++) {
        float[] acc = expected.computeIfAbsent(rows.ids()[i], id -> new float[width]);
        for (int j = 0; j < width; j++) acc[j] += rows.values()[i * width + j];
      }
    }
    assertEquals(results.get(0), results.get(1));
    SparseRows got = results.get(0);
    assertArrayEquals(expected.keySet().stream().mapToLong(Long::longValue).toArray(), got.ids());
    int i = 0;
    for (float[] row : expected.values()) {
      for (int j = 0; j < width; j++) assertEquals(row[j], got.values()[i * width + j], 0f);
      i++;
    }
  }

  /** Worker 0 touches rows 0..9, worker 1 rows 5..19 (overlap 5..9), values depend on rank and id. */
  private static SparseRows rowsOf(int rank, int width) {
    int from = rank == 0 ? 0 : 5;
    int to = rank == 0 ? 10 : 20;
    long[] ids = new long[to - from];
    float[] values = new float[ids.length * width];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = from + i;
      for (int j = 0; j < width; j++) values[i * width + j] = (rank + 1) * 100 + ids[i] + j / 10f;
    }
    return new SparseRows(width, ids, values);
  }

  @Test
  void oneWorkerIsANoOp() throws Exception {
    float[] v = randomVector(10, 1);
    List<float[]> out = onWorkers(1, (reduce, rank) -> {
      float[] copy = v.clone();
      reduce.sumDense(copy);
      return copy;
    });
    assertArrayEquals(v, out.get(0), 0f);
  }

  @Test
  void aPeerThatDiesFailsTheStepInsteadOfHanging() throws Exception {
    ServerSocket s0 = PeerGroup.listen("127.0.0.1");
    ServerSocket s1 = PeerGroup.listen("127.0.0.1");
    List<String> addresses = List.of("127.0.0.1:" + s0.getLocalPort(), "127.0.0.1:" + s1.getLocalPort());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<?> peer = pool.submit(() -> {
      // worker 1 joins, then dies before the first exchange
      PeerGroup.connect(1, addresses, s1, 10_000, 10_000).close();
      return null;
    });
    try (PeerGroup g = PeerGroup.connect(0, addresses, s0, 10_000, 2_000)) {
      peer.get();
      IOException e = assertThrows(IOException.class, () -> new ShardedAllReduce(g).sumDense(new float[100]));
      assertTrue(e.getMessage().contains("training worker 1 closed its connection to worker 0"), e.getMessage());
    } finally {
      pool.shutdownNow();
    }
  }
}
