package io.infnet.model.train.shard;

import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * How the workers of a sharded run read each other's embedding rows: one round per table lookup, taken by every worker
 * in step (the same model runs the same lookups in the same order on every worker; a worker without rows in a step
 * still takes the rounds, answering only). The distributed trainer implements it over its peer mesh.
 */
public interface RowExchange {
  int rank();

  int workers();

  /**
   * One round for {@code table}: sends {@code requests.get(owner)} (ascending ids) to every other worker, answers each
   * peer's request with {@code serve} (rows × width floats, in the request's order) and returns what every owner sent
   * back, indexed by rank (this worker's slot null).
   */
  List<float[]> fetch(String table, List<long[]> requests, Function<long[], float[]> serve) throws IOException;

  /** Bytes this worker has sent in fetch rounds. */
  long bytesSent();

  /** One worker: it owns every row, and no round ever leaves the JVM. */
  RowExchange ALONE = new RowExchange() {
    @Override
    public int rank() {
      return 0;
    }

    @Override
    public int workers() {
      return 1;
    }

    @Override
    public List<float[]> fetch(String table, List<long[]> requests, Function<long[], float[]> serve) {
      throw new IllegalStateException("a single worker owns every row: nothing to fetch");
    }

    @Override
    public long bytesSent() {
      return 0;
    }
  };

  /** The worker that owns row {@code id} of every table. */
  static int owner(long id, int workers) {
    return (int) Math.floorMod(id, (long) workers);
  }
}
