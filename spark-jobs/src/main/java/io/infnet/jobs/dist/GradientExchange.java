package io.infnet.jobs.dist;

import io.infnet.model.NetworkModel;
import io.infnet.model.nn.Module.NamedParameter;
import io.infnet.model.train.Gradients;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sums one step's {@link Gradients} over the workers: every dense tensor in a single sharded all-reduce
 * (with the row count and loss sum riding along), every row-sparse embedding table as its touched rows only.
 */
final class GradientExchange {
  private final ShardedAllReduce reduce;

  GradientExchange(ShardedAllReduce reduce) {
    this.reduce = reduce;
  }

  /** The summed gradients and the global mean loss of the step. */
  record Summed(Gradients gradients, double meanLoss) {}

  Summed sum(Gradients local, double localLossSum) throws IOException {
    List<Gradients.Tensor> tensors = local.tensors();
    int denseLength = 2;
    for (Gradients.Tensor t : tensors) if (!t.isSparse()) denseLength += t.values().length;
    float[] dense = new float[denseLength];
    dense[0] = local.samples(); // exact: a batch holds far fewer than 2^24 rows
    dense[1] = (float) localLossSum;
    int at = 2;
    for (Gradients.Tensor t : tensors) {
      if (t.isSparse()) continue;
      System.arraycopy(t.values(), 0, dense, at, t.values().length);
      at += t.values().length;
    }
    reduce.sumDense(dense);
    List<Gradients.Tensor> summed = new ArrayList<>(tensors.size());
    at = 2;
    for (Gradients.Tensor t : tensors) {
      if (t.isSparse()) {
        summed.add(fromRows(t, reduce.sumSparse(toRows(t))));
      } else {
        float[] v = new float[t.values().length];
        System.arraycopy(dense, at, v, 0, v.length);
        at += v.length;
        summed.add(new Gradients.Tensor(t.name(), t.shape(), null, v));
      }
    }
    long samples = (long) dense[0];
    return new Summed(new Gradients(summed, samples), samples == 0 ? Double.NaN : dense[1] / samples);
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

  /** What a worker with no rows in a step contributes: nothing, but it still takes part in the exchange. */
  static Gradients zeros(NetworkModel model) {
    List<Gradients.Tensor> out = new ArrayList<>();
    for (NamedParameter p : model.parameters().values()) {
      long[] shape = p.shape().getShape();
      out.add(p.rowSparse() ? new Gradients.Tensor(p.name(), shape, new int[0], new float[0])
          : new Gradients.Tensor(p.name(), shape, null, new float[Math.toIntExact(p.shape().size())]));
    }
    return new Gradients(out, 0);
  }
}
