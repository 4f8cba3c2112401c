package io.infnet.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.infnet.model.nn.Module.NamedParameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where each parameter's gradient sits in one flat buffer (parameter order, row-major): the trainer writes every
 * gradient of a step into one contiguous array so that it crosses device ↔ host in a single copy each way.
 */
final class ParameterLayout {
  /** One parameter's place: values [offset, offset + size) of the flat buffer. */
  record Slot(String name, long[] shape, boolean rowSparse, int offset, int size) {}

  private final List<Slot> slots = new ArrayList<>();
  private final int size;

  ParameterLayout(Collection<NamedParameter> parameters) {
    int at = 0;
    for (NamedParameter p : parameters) {
      int n = Math.toIntExact(p.shape().size());
      slots.add(new Slot(p.name(), p.shape().getShape(), p.rowSparse(), at, n));
      at = Math.addExact(at, n);
    }
    this.size = at;
  }

  List<Slot> slots() {
    return slots;
  }

  /** A view of one parameter's values in a flat device buffer, in the parameter's shape. */
  NDArray view(NDArray flat, Slot slot) {
    return flat.get(new NDIndex().addSliceDim(slot.offset(), slot.offset() + slot.size())).reshape(slot.shape());
  }

  /** Host tensors from a flat buffer copied out of the device (embedding tables as their touched rows). */
  List<Gradients.Tensor> split(float[] flat) {
    List<Gradients.Tensor> out = new ArrayList<>(slots.size());
    for (Slot s : slots) {
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
      float[] dense = gradients.get(s.name()).dense();
      if (dense.length != s.size()) {
        throw new IllegalArgumentException("gradient " + s.name() + " has " + dense.length + " values, the parameter " + s.size());
      }
      System.arraycopy(dense, 0, flat, s.offset(), s.size());
    }
    return flat;
  }
}
