package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.infnet.config.choices.EmbeddingLayout;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The embedding rows of every categorical field. Layout "offset": one table of Σ cardinality rows, field i's ids
 * shifted by the cardinalities before it (one gather for all fields). Layout "per_field": one table per field.
 * Sequence events look up the same tables (shared id space), and so do the value lists of multi-valued fields.
 */
public final class FeatureEmbedding extends Module {
  private final boolean offsetLayout;
  private final int dim;
  private final long[] offsets;
  private final List<Parameter> tables = new ArrayList<>();

  public FeatureEmbedding(FeatureSchema schema, int dim, EmbeddingLayout layout, double initStd) {
    this.offsetLayout = layout == EmbeddingLayout.OFFSET;
    this.dim = dim;
    List<FeatureSchema.Field> fields = schema.fields();
    this.offsets = new long[fields.size()];
    long total = 0;
    for (int i = 0; i < fields.size(); i++) {
      offsets[i] = total;
      total += fields.get(i).cardinality();
    }
    if (offsetLayout) {
      tables.add(table("table", Init.scaled(initStd), total, dim));
    } else {
      for (FeatureSchema.Field f : fields) tables.add(table(f.name(), Init.scaled(initStd), f.cardinality(), dim));
    }
  }

  /**
   * @param ids    int ids (..., c): the last axis holds c columns
   * @param fields the categorical field of each column
   * @return (..., c, d)
   */
  public NDArray lookup(Pass pass, NDArray ids, int[] fields) {
    if (offsetLayout) {
      long[] shift = new long[fields.length];
      for (int c = 0; c < fields.length; c++) shift[c] = offsets[fields[c]];
      NDArray shifted = ids.toType(DataType.INT64, false).add(ids.getManager().create(shift)); // (ids + offset) per column
      return gather(pass, tables.get(0), shifted);
    }
    NDList columns = new NDList();
    for (int c = 0; c < fields.length; c++) {
      columns.add(gather(pass, tables.get(fields[c]), ids.get("..., " + c)));
    }
    return NDArrays.stack(columns, -2);
  }

  /**
   * The token of a multi-valued field: the masked mean of its values' embeddings. A row without values reads the
   * field's OOV row (id 0), the token a missing single value gets, rather than a zero vector no id has.
   *
   * @param ids  (B, k) ids of the field, padding anywhere the mask is 0 (its contents never matter)
   * @param mask (B, k) float, 1 = real value
   * @return (B, d)
   */
  public NDArray pooled(Pass pass, NDArray ids, NDArray mask, int field) {
    int[] sameField = new int[Math.toIntExact(ids.getShape().get(1))];
    Arrays.fill(sameField, field);
    NDArray values = lookup(pass, ids, sameField);                                      // (B, k, d)
    NDArray count = mask.sum(new int[] {1}, true);                                      // (B, 1)
    NDArray mean = values.mul(mask.expandDims(-1)).sum(new int[] {1}).div(count.maximum(1f));
    NDArray oov = lookup(pass, ids.get(":, 0:1").zerosLike(), new int[] {field}).squeeze(1);
    return mean.add(oov.mul(count.eq(0).toType(DataType.FLOAT32, false)));
  }

  /** Rows of a table for int ids of any shape: ids.shape + [width]; through the pass's touched rows when it has them. */
  static NDArray gather(Pass pass, Parameter table, NDArray ids) {
    NDArray longIds = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
    if (pass.rows() != null) return pass.rows().gather(table, longIds);
    return longIds.getNDArrayInternal().embedding(longIds, pass.value(table), SparseFormat.DENSE).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.singletonOrThrow();
    int[] all = new int[Math.toIntExact(ids.getShape().get(ids.getShape().dimension() - 1))];
    for (int i = 0; i < all.length; i++) all[i] = i;
    return new NDList(lookup(new Pass(store, training), ids, all));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(dim)};
  }
}
