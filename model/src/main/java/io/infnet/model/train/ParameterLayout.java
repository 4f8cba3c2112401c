package io.infnet.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.infnet.model.nn.Module.NamedParameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where each parameter's gradient sits in one flat buffer (parameter order, row-major): the trainer writes every
 * gradient of a step into one contiguous array so that it crosses device ↔ host in a single copy each way. With
 * row-wise embedding updates the tables are not in it: their gradients are their touched rows ({@link RowGradients}).
 */
final class ParameterLayout {
  /** One parameter's place: values [offset, offset + size) of the flat buffer, unless {@code byRows}. */
  record Slot(String name, long[] shape, boolean rowSparse, boolean byRows, int offset, int size) {}

  private final List<Slot> slots = new ArrayList<>();
  private final int size;

  /** @param tablesByRows embedding tables leave the flat buffer (train.embedding_update = rows) */
  ParameterLayout(Collection<NamedParameter> parameters, boolean tablesByRows) {
    int at = 0;
    for (NamedParameter p : parameters) {
      boolean byRows = tablesByRows && p.rowSparse();
      int n = byRows ? -1 : Math.toIntExact(p.shape().size()); // a table updated by rows may exceed 2^31 values
      slots.add(new Slot(p.name(), p.shape().getShape(), p.rowSparse(), byRows, byRows ? -1 : at, n));
      if (!byRows) at = Math.addExact(at, n);
    }
    this.size = at;
  }

  List<Slot> slots() {
    return slots;
  }

  boolean hasRowSlots() {
    return slots.stream().anyMatch(Slot::byRows);
  }

  /** A view of one parameter's values in a flat device buffer, in the parameter's shape. */
  NDArray view(NDArray flat, Slot slot) {
    return flat.get(new NDIndex().addSliceDim(slot.offset(), slot.offset() + slot.size())).reshape(slot.shape());
  }

  /**
   * Host tensors, in parameter order, from a flat buffer copied out of the device (embedding tables in it as their
   * touched rows) and the tables updated by rows.
   */
  List<Gradients.Tensor> split(float[] flat, RowGradients rows) {
    List<Gradients.Tensor> out = new ArrayList<>(slots.size());
    for (Slot s : slots) {
      if (s.byRows()) {
        out.add(rows.toHost(s));
        continue;
      }
      float[] values = new float[s.size()];
      System.arraycopy(flat, s.offset(), values, 0, s.size());
      out.add(s.rowSparse() ? Gradients.Tensor.sparseOf(s.name(), s.shape(), values) : new Gradients.Tensor(s.name(), s.shape(), null, values));
    }
    return out;
  }

  /** The flat host buffer of host gradients (sparse tensors densified), ready for one copy to the device. */
  float[] flatten(Gradients gradients) {
    float[] flat = new float[size];
    for (Slot s : slots) {
      if (s.byRows()) continue;
      float[] dense = gradients.get(s.name()).dense();
      if (dense.length != s.size()) {
        throw new IllegalArgumentException("gradient " + s.name() + " has " + dense.length + " values, the parameter " + s.size());
      }
      System.arraycopy(dense, 0, flat, s.offset(), s.size());
    }
    return flat;
  }
}
