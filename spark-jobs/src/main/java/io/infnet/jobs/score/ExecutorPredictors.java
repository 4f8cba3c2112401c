package io.infnet.jobs.score;

import io.infnet.model.RankingModel;
import io.infnet.model.io.ModelExport;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.broadcast.Broadcast;

/**
 * The loaded copies of a model in one executor JVM: a task borrows one for its partition and gives it back when it ends,
 * so concurrent tasks predict in parallel instead of queueing on one shared model (DJL's Model/Predictor split: weights
 * are small next to the activations of a batch). At most one copy per core; a model asked for by another sha256
 * replaces the pool (the old copies are closed as they come back).
 */
final class ExecutorPredictors {
  private static final int MAX_COPIES = Runtime.getRuntime().availableProcessors();
  private static final Deque<RankingModel> idle = new ArrayDeque<>();
  private static String loadedSha;
  private static int copies;

  private ExecutorPredictors() {}

  /** A copy of the model {@code sha} for this thread alone: an idle one, a new one, or the next one given back. */
  static RankingModel borrow(String sha, Broadcast<byte[][]> bytes) {
    synchronized (ExecutorPredictors.class) {
      if (!sha.equals(loadedSha)) {
        idle.forEach(RankingModel::close);
        idle.clear();
        copies = 0;
        loadedSha = sha;
      }
      while (idle.isEmpty() && copies >= MAX_COPIES) {
        try {
          ExecutorPredictors.class.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for a model copy", e);
        }
      }
      if (!idle.isEmpty()) return idle.pop();
      copies++;
    }
    try { // loading takes a while: outside the lock, so that other tasks get their copies meanwhile
      byte[][] b = bytes.value();
      return ModelExport.load(b[0], b[1]);
    } catch (RuntimeException e) {
      synchronized (ExecutorPredictors.class) {
        if (sha.equals(loadedSha)) copies--;
        ExecutorPredictors.class.notifyAll();
      }
      throw e;
    }
  }

  static void giveBack(String sha, RankingModel model) {
    synchronized (ExecutorPredictors.class) {
      if (sha.equals(loadedSha)) idle.push(model);
      else model.close();
      ExecutorPredictors.class.notifyAll();
    }
  }
}
