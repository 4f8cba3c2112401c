package io.infnet.model.data;

import io.infnet.schema.FeatureSchema;
import io.infnet.schema.FeatureSchema.Sequence;
import java.util.Arrays;
import java.util.List;

/**
 * A reusable, fixed-capacity buffer of model input rows in flat row-major arrays (the layout the model copies
 * into tensors without reshuffling). Sequences are stored padded to their max length, and the value lists of
 * multi-valued fields to their max values; the padding holds id 0 (and gap 0) and is masked by the model, so its
 * contents never matter.
 *
 * <p>The array accessors return the live buffers (valid for the first {@link #size()} rows); callers must not
 * modify them.
 */
public final class Batch {
  private final FeatureSchema schema;
  private final int capacity;
  private final boolean mapOutOfRangeToOov;
  private final int fieldCount;
  private final int taskCount;
  private final int[] cardinalities;
  private final int[][] sequenceFieldIndex; // [s][f] -> index of the categorical field
  private final int[] categorical;          // [row][field]
  private final int[] multiValuedFieldIndex; // [j] -> index of the j-th multi-valued field
  private final int[][] multiValuedIds;     // [j] -> [row][value]
  private final int[][] multiValuedCounts;  // [j] -> [row]
  private final int[][] sequenceIds;        // [s] -> [row][position][field]
  private final int[][] sequenceGaps;       // [s] -> [row][position], null when gapBuckets == 0
  private final int[][] sequenceLengths;    // [s] -> [row]
  private final float[] labels;             // [row][task]
  private final float[] labelMask;          // [row][task], 1 = label present
  private int size;
  private long outOfRangeCount;

  public Batch(FeatureSchema schema, int capacity) {
    this(schema, capacity, false);
  }

  /** @param mapOutOfRangeToOov true = ids outside a field's vocabulary become 0 (OOV) and are counted, false = error */
  public Batch(FeatureSchema schema, int capacity, boolean mapOutOfRangeToOov) {
    if (capacity < 1) throw new IllegalArgumentException("batch capacity must be >= 1, got " + capacity);
    this.schema = schema;
    this.capacity = capacity;
    this.mapOutOfRangeToOov = mapOutOfRangeToOov;
    this.fieldCount = schema.fields().size();
    this.taskCount = schema.tasks().size();
    this.cardinalities = schema.fields().stream().mapToInt(FeatureSchema.Field::cardinality).toArray();
    List<Sequence> sequences = schema.sequences();
    this.sequenceFieldIndex = new int[sequences.size()][];
    this.sequenceIds = new int[sequences.size()][];
    this.sequenceGaps = new int[sequences.size()][];
    this.sequenceLengths = new int[sequences.size()][];
    for (int s = 0; s < sequences.size(); s++) {
      Sequence seq = sequences.get(s);
      sequenceFieldIndex[s] = seq.fields().stream().mapToInt(schema::fieldIndex).toArray();
      sequenceIds[s] = new int[capacity * seq.maxLength() * seq.fields().size()];
      sequenceGaps[s] = schema.gapBuckets() > 0 ? new int[capacity * seq.maxLength()] : null;
      sequenceLengths[s] = new int[capacity];
    }
    this.categorical = new int[capacity * fieldCount];
    this.multiValuedFieldIndex = schema.multiValuedFields().stream().mapToInt(f -> schema.fieldIndex(f.name())).toArray();
    this.multiValuedIds = new int[multiValuedFieldIndex.length][];
    this.multiValuedCounts = new int[multiValuedFieldIndex.length][capacity];
    for (int j = 0; j < multiValuedFieldIndex.length; j++) multiValuedIds[j] = new int[capacity * maxValues(j)];
    this.labels = new float[capacity * taskCount];
    this.labelMask = new float[capacity * taskCount];
  }

  public FeatureSchema schema() {
    return schema;
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }

  public boolean isFull() {
    return size == capacity;
  }

  public void clear() {
    size = 0;
  }

  /** Ids seen outside their field's vocabulary and mapped to OOV (only with OOV mapping), since creation. */
  public long outOfRangeCount() {
    return outOfRangeCount;
  }

  /** Adds one row of a schema without multi-valued fields: {@link #add(int[], int[][], int[][][], int[][], Integer[])}. */
  public void add(int[] cat, int[][][] seqIds, int[][] seqGaps, Integer[] labels) {
    add(cat, null, seqIds, seqGaps, labels);
  }

  /**
   * Adds one row. cat: one id per schema field (length M). multiValues[j]: the ids of the j-th multi-valued field
   * ({@link FeatureSchema#multiValuedFields()} order), any length (truncated to its maxValues), null = none; the
   * array itself may be null only when the schema has no multi-valued field. seqIds[s][f]: for sequence s (schema order) and its
   * field f (Sequence.fields() order; f=0 item), ids most recent first, any length (truncated to maxLength).
   * seqGaps[s]: gap buckets 1..gapBuckets, same length as seqIds[s][0]; may be null when gapBuckets == 0.
   * labels[k]: per task 0/1, or null = missing (masked); labels itself may be null for unlabeled scoring rows.
   */
  public void add(int[] cat, int[][] multiValues, int[][][] seqIds, int[][] seqGaps, Integer[] labels) {
    if (isFull()) throw new IllegalStateException("batch is full (capacity " + capacity + ")");
    int row = size;
    addCategorical(row, cat);
    addMultiValued(row, multiValues);
    int sequenceCount = schema.sequences().size();
    if (sequenceCount > 0 && (seqIds == null || seqIds.length != sequenceCount)) {
      throw new IllegalArgumentException("expected ids of " + sequenceCount + " sequences, got "
          + (seqIds == null ? "null" : seqIds.length));
    }
    for (int s = 0; s < sequenceCount; s++) addSequence(row, s, seqIds[s], seqGaps == null ? null : seqGaps[s]);
    addLabels(row, labels);
    size++;
  }

  private void addCategorical(int row, int[] cat) {
    if (cat == null || cat.length != fieldCount) {
      throw new IllegalArgumentException("expected " + fieldCount + " categorical ids, got " + (cat == null ? "null" : cat.length));
    }
    for (int f = 0; f < fieldCount; f++) categorical[row * fieldCount + f] = checkedId(f, cat[f]);
  }

  private void addMultiValued(int row, int[][] values) {
    int count = multiValuedFieldIndex.length;
    if (count == 0) return;
    if (values == null || values.length != count) {
      throw new IllegalArgumentException("expected the values of " + count + " multi-valued fields "
          + schema.multiValuedFields().stream().map(FeatureSchema.Field::name).toList() + ", got " + (values == null ? "null" : values.length));
    }
    for (int j = 0; j < count; j++) {
      int[] ids = values[j] == null ? new int[0] : values[j];
      int k = maxValues(j), kept = Math.min(ids.length, k), base = row * k;
      Arrays.fill(multiValuedIds[j], base, base + k, 0);
      for (int v = 0; v < kept; v++) multiValuedIds[j][base + v] = checkedId(multiValuedFieldIndex[j], ids[v]);
      multiValuedCounts[j][row] = kept;
    }
  }

  private int maxValues(int j) {
    return schema.fields().get(multiValuedFieldIndex[j]).maxValues();
  }

  private void addSequence(int row, int s, int[][] ids, int[] gaps) {
    Sequence seq = schema.sequences().get(s);
    int width = seq.fields().size();
    int maxLength = seq.maxLength();
    if (ids == null || ids.length != width) {
      throw new IllegalArgumentException("sequence " + seq.name() + ": expected " + width + " id arrays, got "
          + (ids == null ? "null" : ids.length));
    }
    int length = ids[0].length;
    for (int f = 1; f < width; f++) {
      if (ids[f].length != length) {
        throw new IllegalArgumentException("sequence " + seq.name() + ": field " + seq.fields().get(f) + " has "
            + ids[f].length + " events but " + seq.fields().get(0) + " has " + length);
      }
    }
    boolean withGaps = schema.gapBuckets() > 0;
    if (withGaps && (gaps == null || gaps.length != length)) {
      throw new IllegalArgumentException("sequence " + seq.name() + ": expected " + length + " time-gap buckets, got "
          + (gaps == null ? "null" : gaps.length));
    }
    int kept = Math.min(length, maxLength);
    int base = row * maxLength * width;
    Arrays.fill(sequenceIds[s], base, base + maxLength * width, 0);
    for (int p = 0; p < kept; p++) {
      for (int f = 0; f < width; f++) sequenceIds[s][base + p * width + f] = checkedId(sequenceFieldIndex[s][f], ids[f][p]);
    }
    if (withGaps) {
      int gapBase = row * maxLength;
      Arrays.fill(sequenceGaps[s], gapBase, gapBase + maxLength, 0);
      for (int p = 0; p < kept; p++) sequenceGaps[s][gapBase + p] = checkedGap(seq, gaps[p]);
    }
    sequenceLengths[s][row] = kept;
  }

  private void addLabels(int row, Integer[] rowLabels) {
    if (rowLabels != null && rowLabels.length != taskCount) {
      throw new IllegalArgumentException("expected " + taskCount + " labels " + schema.tasks() + ", got " + rowLabels.length);
    }
    for (int k = 0; k < taskCount; k++) {
      Integer label = rowLabels == null ? null : rowLabels[k];
      if (label != null && label != 0 && label != 1) {
        throw new IllegalArgumentException("label of task " + schema.tasks().get(k) + " must be 0, 1 or null, got " + label);
      }
      labels[row * taskCount + k] = label == null ? 0f : label;
      labelMask[row * taskCount + k] = label == null ? 0f : 1f;
    }
  }

  private int checkedId(int field, int id) {
    if (id >= 0 && id < cardinalities[field]) return id;
    if (mapOutOfRangeToOov) {
      outOfRangeCount++;
      return 0;
    }
    throw new IllegalArgumentException("field " + schema.fields().get(field).name() + ": id " + id
        + " is outside its vocabulary [0, " + cardinalities[field] + ")");
  }

  private int checkedGap(Sequence seq, int gap) {
    if (gap >= 1 && gap <= schema.gapBuckets()) return gap;
    if (mapOutOfRangeToOov) {
      outOfRangeCount++;
      return Math.max(1, Math.min(gap, schema.gapBuckets()));
    }
    throw new IllegalArgumentException("sequence " + seq.name() + ": time-gap bucket " + gap + " is outside [1, "
        + schema.gapBuckets() + "]");
  }

  // ---- flat accessors (live buffers, first size() rows valid) --------------------------------------------

  /** [row][field] ids, row-major, M = schema.fields().size() per row. */
  public int[] categoricalIds() {
    return categorical;
  }

  /** [row][value] ids of the j-th multi-valued field, padded to its maxValues with 0. */
  public int[] multiValuedIds(int j) {
    return multiValuedIds[j];
  }

  /** [row] number of values of the j-th multi-valued field (after truncation; 0 = none). */
  public int[] multiValuedCounts(int j) {
    return multiValuedCounts[j];
  }

  /** [row][position][field] ids of sequence s, padded to maxLength with 0. */
  public int[] sequenceIds(int s) {
    return sequenceIds[s];
  }

  /** [row][position] time-gap buckets of sequence s (0 = padding), or null when the schema has no gap buckets. */
  public int[] sequenceGaps(int s) {
    return sequenceGaps[s];
  }

  /** [row] number of real events of sequence s (after truncation). */
  public int[] sequenceLengths(int s) {
    return sequenceLengths[s];
  }

  /** [row][task] 0/1 labels (0 where missing). */
  public float[] labels() {
    return labels;
  }

  /** [row][task] 1 where the label is present, 0 where it is missing. */
  public float[] labelMask() {
    return labelMask;
  }
}
