package io.infnet.jobs.dist;

import io.infnet.model.NetworkModel;
import io.infnet.model.data.Batch;
import io.infnet.model.eval.Evaluation;
import io.infnet.model.eval.ValidationShard;
import io.infnet.model.train.ValidationEvaluator;
import io.infnet.model.train.shard.ShardedTables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A worker's validation: it predicts the validation rows {@code i mod W == rank} (its batches), then every worker sends
 * its (probability, label) pairs to every other (one exchange) and each computes AUC and logloss from the union in row
 * order ({@link ValidationShard#merge}): exact, and bitwise the same on every worker.
 *
 * <p>With sharded tables every lookup is an exchange round all workers take in step, so every worker runs
 * {@code batches} inference batches: one whose slice ran out answers its peers' lookups instead.
 */
final class ShardedValidation implements ValidationEvaluator {
  private final PeerGroup peers;
  private final ShardedTables shards; // null unless train.embedding_update = sharded
  private final long batches;
  private final List<String> tasks;

  /** {@code validRows} over every worker, in batches of {@code batchSize} per worker. */
  ShardedValidation(PeerGroup peers, ShardedTables shards, long validRows, int batchSize, List<String> tasks) {
    this.peers = peers;
    this.shards = shards;
    long mostRows = (validRows + peers.size() - 1) / peers.size(); // worker 0's slice, the largest
    this.batches = (mostRows + batchSize - 1) / batchSize;
    this.tasks = tasks;
  }

  /** The rows of {@code all} that worker {@code rank} of {@code workers} evaluates. */
  static <T> List<T> slice(List<T> all, int rank, int workers) {
    List<T> out = new ArrayList<>((all.size() + workers - 1) / workers);
    for (int i = rank; i < all.size(); i += workers) out.add(all.get(i));
    return out;
  }

  @Override
  public Evaluation evaluate(NetworkModel model, Iterator<Batch> mine) throws IOException {
    ValidationShard part = new ValidationShard(tasks.size());
    for (long b = 0; b < batches; b++) {
      if (!mine.hasNext()) {
        if (shards != null) shards.serveIdleInference();
        continue;
      }
      Batch batch = mine.next();
      if (shards != null) shards.startStep();
      float[][] predictions = model.predict(batch);
      if (shards != null) shards.endInference();
      part.add(batch, predictions);
    }
    if (mine.hasNext()) throw new IllegalStateException("worker " + peers.rank() + " has more than " + batches + " validation batches");
    List<ValidationShard> all = peers.exchange(peer -> part::writeTo, in -> ValidationShard.readFrom(in, tasks.size()));
    all.set(peers.rank(), part);
    return ValidationShard.merge(all, tasks);
  }
}
