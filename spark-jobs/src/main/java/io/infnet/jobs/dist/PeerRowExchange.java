package io.infnet.jobs.dist;

import io.infnet.model.train.shard.RowExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Row lookups of sharded embedding tables over the workers' mesh: per lookup, every worker sends each owner the ids it
 * needs (round 1) and each owner answers with the rows (round 2). Both rounds are {@link PeerGroup#exchange}s, so the
 * workers stay in step, and a worker looking up another table than its peers fails the run, naming both.
 */
final class PeerRowExchange implements RowExchange {
  private final PeerGroup peers;
  private long bytesSent;

  PeerRowExchange(PeerGroup peers) {
    this.peers = peers;
  }

  @Override
  public int rank() {
    return peers.rank();
  }

  @Override
  public int workers() {
    return peers.size();
  }

  @Override
  public long bytesSent() {
    return bytesSent;
  }

  @Override
  public List<float[]> fetch(String table, List<long[]> requests, Function<long[], float[]> serve) throws IOException {
    int me = peers.rank();
    List<long[]> asked = peers.exchange(peer -> out -> {
      out.writeUTF(table);
      Wire.writeLongs(out, requests.get(peer));
    }, in -> {
      String theirs = in.readUTF();
      if (!theirs.equals(table)) {
        throw new IOException("training workers out of step: worker " + me + " looks up " + table + ", a peer " + theirs);
      }
      return Wire.readLongs(in);
    });
    List<float[]> answers = new ArrayList<>(peers.size());
    for (int peer = 0; peer < peers.size(); peer++) {
      if (peer != me) bytesSent += requests.get(peer).length * 8L;
      answers.add(peer == me ? null : serve.apply(asked.get(peer)));
    }
    for (int peer = 0; peer < peers.size(); peer++) if (peer != me) bytesSent += answers.get(peer).length * 4L;
    return peers.exchange(peer -> out -> Wire.writeFloats(out, answers.get(peer), 0, answers.get(peer).length),
        Wire::readFloats);
  }
}
