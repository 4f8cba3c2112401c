package io.infnet.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.infnet.model.nn.TouchedRows;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gradients of the embedding tables updated by rows (train.embedding_update = rows), on the device, by parameter
 * name: each table's touched rows and their U×d gradient. A table no row of which was read has none.
 */
final class RowGradients {
  static final RowGradients NONE = new RowGradients(Map.of());

  private final Map<String, TouchedRows.Rows> tables;

  RowGradients(Map<String, TouchedRows.Rows> tables) {
    this.tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
  }

  Map<String, TouchedRows.Rows> tables() {
    return tables;
  }

  /** Σ g² over every row, in double as the flat buffer's norm. */
  double squaredNorm() {
    double sum = 0;
    for (TouchedRows.Rows r : tables.values()) sum += r.gradient().toType(DataType.FLOAT64, false).square().sum().getDouble();
    return sum;
  }

  /** One table's host form, straight from its U×d rows (no pass over the V×d table). */
  Gradients.Tensor toHost(ParameterLayout.Slot slot) {
    TouchedRows.Rows r = tables.get(slot.name());
    if (r == null) return new Gradients.Tensor(slot.name(), slot.shape(), new int[0], new float[0]);
    return new Gradients.Tensor(slot.name(), slot.shape(), r.ids().toType(DataType.INT32, false).toIntArray(), r.gradient().toFloatArray());
  }

  /** The row tables of host gradients (an all-reduce's result) on the device, in the caller's scope; not those in {@code skip}. */
  static RowGradients fromHost(Gradients gradients, ParameterLayout layout, NDManager manager, java.util.Set<String> skip) {
    Map<String, TouchedRows.Rows> out = new LinkedHashMap<>();
    for (ParameterLayout.Slot s : layout.slots()) {
      if (!s.byRows() || skip.contains(s.name())) continue;
      Gradients.Tensor t = gradients.get(s.name());
      if (!t.isSparse()) t = Gradients.Tensor.sparseOf(t.name(), t.shape(), t.values());
      if (t.rows().length == 0) continue;
      long[] ids = new long[t.rows().length];
      for (int i = 0; i < ids.length; i++) ids[i] = t.rows()[i];
      out.put(s.name(), new TouchedRows.Rows(manager.create(ids), manager.create(t.values(), new Shape(ids.length, t.rowWidth()))));
    }
    return new RowGradients(out);
  }
}
