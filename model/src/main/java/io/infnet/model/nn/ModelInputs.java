package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.infnet.model.data.Batch;
import io.infnet.schema.FeatureSchema;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch as tensors: raw ids (int32), padding masks and labels. Created inside the caller's NDScope.
 *
 * @param categorical (B, M) ids
 * @param multiValued per multi-valued field (schema order): ids (B, k) padded with 0, mask (B, k) float 1 = real value
 * @param sequences   per schema sequence: ids (B, n, f), gaps (B, n) or null, mask (B, n) float 1 = real event
 * @param labels      (B, K) 0/1; labelMask (B, K) 1 = label present
 */
public record ModelInputs(int rows, NDArray categorical, List<ValueList> multiValued, List<SequenceInput> sequences, NDArray labels,
    NDArray labelMask) {

  public record ValueList(NDArray ids, NDArray mask) {}

  public record SequenceInput(NDArray ids, NDArray gaps, NDArray mask) {}

  public static ModelInputs of(NDManager manager, Batch batch) {
    FeatureSchema schema = batch.schema();
    int rows = batch.size();
    int m = schema.fields().size();
    int k = schema.tasks().size();
    NDArray cat = ints(manager, batch.categoricalIds(), rows, m);
    List<ValueList> multiValued = new ArrayList<>();
    List<FeatureSchema.Field> multiFields = schema.multiValuedFields();
    for (int j = 0; j < multiFields.size(); j++) {
      int maxValues = multiFields.get(j).maxValues();
      multiValued.add(new ValueList(ints(manager, batch.multiValuedIds(j), rows, maxValues),
          floats(manager, paddingMask(batch.multiValuedCounts(j), rows, maxValues), rows, maxValues)));
    }
    List<SequenceInput> sequences = new ArrayList<>();
    for (int s = 0; s < schema.sequences().size(); s++) {
      FeatureSchema.Sequence seq = schema.sequences().get(s);
      int n = seq.maxLength();
      NDArray ids = ints(manager, batch.sequenceIds(s), rows, n, seq.fields().size());
      NDArray gaps = batch.sequenceGaps(s) == null ? null : ints(manager, batch.sequenceGaps(s), rows, n);
      sequences.add(new SequenceInput(ids, gaps, floats(manager, paddingMask(batch.sequenceLengths(s), rows, n), rows, n)));
    }
    return new ModelInputs(rows, cat, multiValued, sequences, floats(manager, batch.labels(), rows, k), floats(manager, batch.labelMask(), rows, k));
  }

  private static float[] paddingMask(int[] lengths, int rows, int maxLength) {
    float[] mask = new float[rows * maxLength];
    for (int r = 0; r < rows; r++) java.util.Arrays.fill(mask, r * maxLength, r * maxLength + lengths[r], 1f);
    return mask;
  }

  private static NDArray ints(NDManager manager, int[] data, long... shape) {
    Shape s = new Shape(shape);
    return manager.create(IntBuffer.wrap(data, 0, Math.toIntExact(s.size())), s, DataType.INT32);
  }

  private static NDArray floats(NDManager manager, float[] data, long... shape) {
    Shape s = new Shape(shape);
    return manager.create(FloatBuffer.wrap(data, 0, Math.toIntExact(s.size())), s, DataType.FLOAT32);
  }

  /** The flat form for DJL's generic {@code forward(NDList)}: cat, per multi-valued field ids, mask, then per sequence ids, [gaps,] mask. */
  public NDList toList() {
    NDList list = new NDList(categorical);
    for (ValueList v : multiValued) list.addAll(new NDList(v.ids(), v.mask()));
    for (SequenceInput s : sequences) {
      list.add(s.ids());
      if (s.gaps() != null) list.add(s.gaps());
      list.add(s.mask());
    }
    return list;
  }

  public static ModelInputs fromList(NDList list, FeatureSchema schema) {
    int i = 0;
    NDArray cat = list.get(i++);
    List<ValueList> multiValued = new ArrayList<>();
    for (int j = 0; j < schema.multiValuedFields().size(); j++) multiValued.add(new ValueList(list.get(i++), list.get(i++)));
    List<SequenceInput> sequences = new ArrayList<>();
    for (int s = 0; s < schema.sequences().size(); s++) {
      NDArray ids = list.get(i++);
      NDArray gaps = schema.gapBuckets() > 0 ? list.get(i++) : null;
      sequences.add(new SequenceInput(ids, gaps, list.get(i++)));
    }
    return new ModelInputs((int) cat.getShape().get(0), cat, multiValued, sequences, null, null);
  }
}
