package io.infnet.jobs.dist;

import io.infnet.model.train.GradientReduction;
import io.infnet.model.train.Gradients;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sums one step's {@link Gradients} over the workers: every dense tensor in a single sharded all-reduce
 * (with the row count and loss sum riding along), every row-sparse embedding table as its touched rows only; the rows
 * of a sharded table go to their owner only.
 */
final class GradientExchange implements GradientReduction {
  private final ShardedAllReduce reduce;
  private final Set<String> sharded;

  /** @param sharded the tables whose rows only their owners hold (train.embedding_update = sharded) */
  GradientExchange(ShardedAllReduce reduce, Set<String> sharded) {
    this.reduce = reduce;
    this.sharded = sharded;
  }

  /**
   * The summed gradients and the global mean loss of the step. Sharded tables first go to their owners, so that the
   * Σ g² of each owner's summed rows rides with the dense all-reduce (the clip needs the global norm).
   */
  @Override
  public Reduced reduce(Gradients local, double localLossSum) throws IOException {
    List<Gradients.Tensor> tensors = local.tensors();
    Map<String, Gradients.Tensor> owned = new HashMap<>();
    double ownedSquares = 0;
    for (Gradients.Tensor t : tensors) {
      if (!sharded.contains(t.name())) continue;
      SparseRows mine = reduce.sumToOwners(toRows(t));
      for (float v : mine.values()) ownedSquares += (double) v * v;
      owned.put(t.name(), fromRows(t, mine));
    }
    int denseLength = 3;
    for (Gradients.Tensor t : tensors) if (!t.isSparse()) denseLength += t.values().length;
    float[] dense = new float[denseLength];
    dense[0] = local.samples(); // exact: a batch holds far fewer than 2^24 rows
    dense[1] = (float) localLossSum;
    dense[2] = (float) ownedSquares;
    int at = 3;
    for (Gradients.Tensor t : tensors) {
      if (t.isSparse()) continue;
      System.arraycopy(t.values(), 0, dense, at, t.values().length);
      at += t.values().length;
    }
    reduce.sumDense(dense);
    List<Gradients.Tensor> summed = new ArrayList<>(tensors.size());
    at = 3;
    for (Gradients.Tensor t : tensors) {
      if (owned.containsKey(t.name())) {
        summed.add(owned.get(t.name()));
      } else if (t.isSparse()) {
        summed.add(fromRows(t, reduce.sumSparse(toRows(t))));
      } else {
        float[] v = new float[t.values().length];
        System.arraycopy(dense, at, v, 0, v.length);
        at += v.length;
        summed.add(new Gradients.Tensor(t.name(), t.shape(), null, v));
      }
    }
    long samples = (long) dense[0];
    double meanLoss = samples == 0 ? Double.NaN : dense[1] / samples;
    return new Reduced(new Gradients(summed, samples, owned.isEmpty() ? Double.NaN : dense[2]), meanLoss);
  }

  long bytesSent() {
    return reduce.bytesSent();
  }

  private static SparseRows toRows(Gradients.Tensor t) {
    long[] ids = new long[t.rows().length];
    for (int i = 0; i < ids.length; i++) ids[i] = t.rows()[i];
    return new SparseRows(t.rowWidth(), ids, t.values());
  }

  private static Gradients.Tensor fromRows(Gradients.Tensor like, SparseRows rows) {
    int[] ids = new int[rows.rows()];
    for (int i = 0; i < ids.length; i++) ids[i] = Math.toIntExact(rows.ids()[i]);
    return new Gradients.Tensor(like.name(), like.shape(), ids, rows.values());
  }
}
