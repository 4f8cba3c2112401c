package io.infnet.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.infnet.config.choices.OptimizerKind;

/**
 * A libtorch embedding table updated by the trainer's {@link Optimizer#updateRows}: the reference the Java shard
 * ({@code io.infnet.model.train.shard}) is tested against. Public only for that test.
 */
public final class ReferenceTable implements AutoCloseable {
  private final String name;
  private final int width;
  private final NDManager manager = NDManager.newBaseManager(Device.cpu());
  private final Optimizer optimizer;
  private final NDArray weights;

  /** {@code initial}: rows × width values. */
  public ReferenceTable(String name, float[] initial, int width, OptimizerKind kind, double weightDecay) {
    this.name = name;
    this.width = width;
    this.optimizer = new Optimizer(kind, weightDecay, manager);
    this.weights = manager.create(initial, new Shape(initial.length / width, width));
  }

  /** One step on rows {@code rows} (distinct) with their gradients (rows × width). */
  public void updateRows(long[] rows, float[] gradients, double scale, double lr, long step) {
    try (NDManager stepManager = manager.newSubManager()) {
      NDArray rowIndex = stepManager.create(rows);
      NDArray gradient = stepManager.create(gradients, new Shape(rows.length, width));
      optimizer.updateRows(name, weights, rowIndex, gradient, scale, lr, step);
    }
  }

  public float[] weights() {
    return weights.toFloatArray();
  }

  /** The optimizer slot ("m", "v", "sum") of every row, or null before the first step. */
  public float[] slot(String slot) {
    return optimizer.state().get(slot + "/" + name);
  }

  @Override
  public void close() {
    optimizer.close();
    manager.close();
  }
}
