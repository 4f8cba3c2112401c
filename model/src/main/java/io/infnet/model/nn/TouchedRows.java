package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row-wise embedding lookups of one training pass. Each lookup copies only the distinct rows its ids name into a
 * fresh leaf tensor (U×d) and indexes it with the inverse mapping, so backward yields a U×d gradient instead of a
 * V×d one: nothing in a step scales with the table's row count V. The tables themselves must not require gradients.
 * A table looked up several times in a pass (fields, value lists, sequences) gets its pieces summed per row by
 * {@link #gradients()}. The rows come from a {@link RowSource}: the tables here, or their owners when sharded.
 */
public final class TouchedRows {
  /** A table's touched rows: sorted distinct row indices (int64, U) and the gradient of each (U×d). */
  public record Rows(NDArray ids, NDArray gradient) {}

  private record Piece(NDArray ids, NDArray leaf) {}

  private final Map<Parameter, List<Piece>> pieces = new LinkedHashMap<>();
  private final RowSource source;

  /** Rows read from the tables in this JVM. */
  public TouchedRows() {
    this(RowSource.HELD);
  }

  public TouchedRows(RowSource source) {
    this.source = source;
  }

  /** Rows of {@code table} for int64 ids of any shape: ids.shape + [width], differentiable through the touched rows. */
  NDArray gather(Parameter table, NDArray ids) {
    NDList distinct = JniUtils.unique((PtNDArray) ids.flatten(), null, true, true, false); // sorted rows, inverse
    NDArray rows = distinct.get(0);
    NDArray leaf = source.read(table, rows);
    leaf.setRequiresGradient(true);
    pieces.computeIfAbsent(table, k -> new ArrayList<>()).add(new Piece(rows, leaf));
    NDArray local = distinct.get(1).reshape(ids.getShape());
    return local.getNDArrayInternal().embedding(local, leaf, SparseFormat.DENSE).singletonOrThrow();
  }

  /** After backward: per looked-up table, its distinct rows and their summed gradient. */
  public Map<Parameter, Rows> gradients() {
    Map<Parameter, Rows> out = new LinkedHashMap<>();
    pieces.forEach((table, list) -> out.put(table, list.size() == 1 ? rowsOf(list.get(0)) : sum(list)));
    return out;
  }

  private static Rows rowsOf(Piece p) {
    return new Rows(p.ids(), p.leaf().getGradient());
  }

  /** Gradients of several lookups of one table, summed per distinct row (a sparse COO tensor's densify adds duplicates). */
  private static Rows sum(List<Piece> list) {
    NDList ids = new NDList();
    NDList gradients = new NDList();
    for (Piece p : list) {
      ids.add(p.ids());
      gradients.add(p.leaf().getGradient());
    }
    NDArray all = NDArrays.concat(ids);
    NDArray values = NDArrays.concat(gradients);
    NDList distinct = JniUtils.unique((PtNDArray) all, null, true, true, false);
    long rows = distinct.get(0).getShape().get(0);
    NDArray at = distinct.get(1).reshape(1, -1);
    NDArray summed = JniUtils.toDense(JniUtils.createSparseCoo((PtNDArray) at, (PtNDArray) values, new Shape(rows, values.getShape().get(1))));
    return new Rows(distinct.get(0), summed);
  }
}
