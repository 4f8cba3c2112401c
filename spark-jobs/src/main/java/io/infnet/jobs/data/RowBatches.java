package io.infnet.jobs.data;

import io.infnet.model.data.Batch;
import io.infnet.model.data.Example;
import io.infnet.schema.FeatureSchema;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;

/**
 * Turns feature-table rows into model {@link Batch}es, following the {@link FeatureSchema} column contract.
 * Serializable so that executors can build batches next to the data.
 */
public final class RowBatches implements Serializable {
  private final String schemaJson;
  private final boolean mapOutOfRangeToOov;
  private transient FeatureSchema schema;

  public RowBatches(FeatureSchema schema, boolean mapOutOfRangeToOov) {
    this.schemaJson = schema.toJson();
    this.mapOutOfRangeToOov = mapOutOfRangeToOov;
    this.schema = schema;
  }

  public FeatureSchema schema() {
    if (schema == null) schema = FeatureSchema.fromJson(schemaJson);
    return schema;
  }

  /** The columns a batch is built from, in the order {@link #add} reads them. */
  public List<String> columns() {
    FeatureSchema s = schema();
    List<String> cols = new java.util.ArrayList<>();
    cols.add(FeatureSchema.CAT_COLUMN);
    for (FeatureSchema.Field f : s.multiValuedFields()) cols.add(FeatureSchema.multiValuedColumn(f.name()));
    for (FeatureSchema.Sequence seq : s.sequences()) {
      for (String f : seq.fields()) cols.add(FeatureSchema.sequenceColumn(seq.name(), f));
      if (s.gapBuckets() > 0) cols.add(FeatureSchema.gapColumn(seq.name()));
    }
    for (String task : s.tasks()) cols.add(FeatureSchema.labelColumn(task));
    return cols;
  }

  public Batch newBatch(int capacity) {
    return new Batch(schema(), capacity, mapOutOfRangeToOov);
  }

  /** Adds one row whose first fields are {@link #columns()} in order (extra trailing fields are ignored). */
  public void add(Batch batch, Row row) {
    parse(row).addTo(batch);
  }

  /** The row's {@link #columns()} as arrays (extra trailing fields are ignored). */
  public Example parse(Row row) {
    FeatureSchema s = schema();
    int c = 0;
    int[] cat = ints(row, c++);
    int[][] multiValues = new int[s.multiValuedFields().size()][];
    for (int j = 0; j < multiValues.length; j++) multiValues[j] = ints(row, c++);
    int[][][] seqIds = new int[s.sequences().size()][][];
    int[][] gaps = s.gapBuckets() > 0 ? new int[s.sequences().size()][] : null;
    for (int q = 0; q < seqIds.length; q++) {
      FeatureSchema.Sequence seq = s.sequences().get(q);
      seqIds[q] = new int[seq.fields().size()][];
      for (int f = 0; f < seqIds[q].length; f++) seqIds[q][f] = ints(row, c++);
      if (gaps != null) gaps[q] = ints(row, c++);
    }
    Integer[] labels = new Integer[s.tasks().size()];
    for (int k = 0; k < labels.length; k++, c++) labels[k] = row.isNullAt(c) ? null : row.getInt(c);
    return new Example(cat, multiValues, seqIds, gaps, labels);
  }

  private static int[] ints(Row row, int i) {
    if (row.isNullAt(i)) return new int[0];
    List<Integer> list = row.getList(i);
    int[] out = new int[list.size()];
    for (int j = 0; j < out.length; j++) out[j] = list.get(j);
    return out;
  }

  /** Groups rows into full batches (the last one may be smaller). */
  public Iterator<Batch> batches(Iterator<Row> rows, int batchSize) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Batch next() {
        if (!rows.hasNext()) throw new NoSuchElementException();
        Batch b = newBatch(batchSize);
        while (rows.hasNext() && !b.isFull()) add(b, rows.next());
        return b;
      }
    };
  }
}
