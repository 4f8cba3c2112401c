package io.infnet.jobs.dist;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums gradients across the workers of a {@link PeerGroup} so that every worker ends with bitwise-identical
 * sums (replicas that apply the same update stay identical). Each worker owns one shard of the parameter space
 * — a slice of a dense vector, the rows {@code id mod W} of an embedding table — the idea behind BigDL's
 * AllReduceParameter: (1) every worker sends each owner its part of the shard, (2) the owner sums the W parts in
 * rank order, (3) the owner sends the sum to everyone. Per worker and step that moves 2·(W-1)/W of a dense
 * vector, and only touched rows of an embedding table.
 */
public final class ShardedAllReduce {
  private final PeerGroup peers;
  private long bytesSent;

  public ShardedAllReduce(PeerGroup peers) {
    this.peers = peers;
  }

  /** Bytes this worker has sent so far (for the communication cost report). */
  public long bytesSent() {
    return bytesSent;
  }

  /** Replaces {@code values} with their elementwise sum over all workers. */
  public void sumDense(float[] values) throws IOException {
    int w = peers.size();
    if (w == 1) return;
    int me = peers.rank();
    int from = shardStart(values.length, me, w);
    int to = shardStart(values.length, me + 1, w);
    List<float[]> parts = peers.exchange(
        peer -> out -> Wire.writeFloats(out, values, shardStart(values.length, peer, w), shardStart(values.length, peer + 1, w)),
        Wire::readFloats);
    countSent(values.length - (to - from), 4);
    float[] sum = new float[to - from];
    for (int r = 0; r < w; r++) { // rank order: the same sum whatever order the parts arrived in
      float[] part = r == me ? Arrays.copyOfRange(values, from, to) : parts.get(r);
      for (int i = 0; i < sum.length; i++) sum[i] += part[i];
    }
    List<float[]> sums = peers.exchange(peer -> out -> Wire.writeFloats(out, sum, 0, sum.length), Wire::readFloats);
    countSent((long) sum.length * (w - 1), 4);
    for (int r = 0; r < w; r++) {
      float[] shard = r == me ? sum : sums.get(r);
      System.arraycopy(shard, 0, values, shardStart(values.length, r, w), shard.length);
    }
  }

  /** The union of every worker's rows, rows present on several workers summed; identical on every worker. */
  public SparseRows sumSparse(SparseRows local) throws IOException {
    int w = peers.size();
    if (w == 1) return local;
    int me = peers.rank();
    SparseRows mine = sumToOwners(local);
    List<SparseRows> all = peers.exchange(peer -> out -> writeRows(out, mine), ShardedAllReduce::readRows);
    countSent(mine.bytes() * (w - 1), 1);
    all.set(me, mine);
    return merge(all, local.width()); // shards own disjoint ids: this only orders them
  }

  /**
   * The rows this worker owns of the union of every worker's rows, summed in rank order: phase 1 of {@link #sumSparse}
   * only, for sharded tables, whose owners alone hold (and update) their rows.
   */
  public SparseRows sumToOwners(SparseRows local) throws IOException {
    int w = peers.size();
    if (w == 1) return local;
    int me = peers.rank();
    List<SparseRows> owned = peers.exchange(peer -> out -> writeRows(out, select(local, peer, w)), ShardedAllReduce::readRows);
    for (int peer = 0; peer < w; peer++) if (peer != me) countSent(select(local, peer, w).bytes(), 1);
    List<SparseRows> contributions = new ArrayList<>(owned);
    contributions.set(me, select(local, me, w));
    return merge(contributions, local.width());
  }

  private void countSent(long units, int bytesPerUnit) {
    bytesSent += units * bytesPerUnit;
  }

  static int shardStart(int length, int shard, int shards) {
    return (int) ((long) length * shard / shards);
  }

  static int owner(long id, int workers) {
    return io.infnet.model.train.shard.RowExchange.owner(id, workers);
  }

  /** The rows of {@code rows} owned by worker {@code owner}. */
  static SparseRows select(SparseRows rows, int owner, int workers) {
    int n = 0;
    for (long id : rows.ids()) if (owner(id, workers) == owner) n++;
    long[] ids = new long[n];
    float[] values = new float[n * rows.width()];
    int k = 0;
    for (int i = 0; i < rows.rows(); i++) {
      if (owner(rows.ids()[i], workers) != owner) continue;
      ids[k] = rows.ids()[i];
      System.arraycopy(rows.values(), i * rows.width(), values, k * rows.width(), rows.width());
      k++;
    }
    return new SparseRows(rows.width(), ids, values);
  }

  /** Sums rows by id, adding the contributions in rank order. */
  static SparseRows merge(List<SparseRows> byRank, int width) {
    Map<Long, float[]> sums = new HashMap<>();
    for (SparseRows part : byRank) {
      for (int i = 0; i < part.rows(); i++) {
        float[] acc = sums.computeIfAbsent(part.ids()[i], id -> new float[width]);
        for (int j = 0; j < width; j++) acc[j] += part.values()[i * width + j];
      }
    }
    long[] ids = sums.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    float[] values = new float[ids.length * width];
    for (int i = 0; i < ids.length; i++) System.arraycopy(sums.get(ids[i]), 0, values, i * width, width);
    return new SparseRows(width, ids, values);
  }

  private static void writeRows(DataOutputStream out, SparseRows rows) throws IOException {
    out.writeInt(rows.width());
    Wire.writeLongs(out, rows.ids());
    Wire.writeFloats(out, rows.values(), 0, rows.values().length);
  }

  private static SparseRows readRows(DataInputStream in) throws IOException {
    int width = in.readInt();
    long[] ids = Wire.readLongs(in);
    return new SparseRows(width, ids, Wire.readFloats(in));
  }
}
