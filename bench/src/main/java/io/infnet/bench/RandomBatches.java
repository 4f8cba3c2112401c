package io.infnet.bench;

import io.infnet.model.data.Batch;
import io.infnet.schema.FeatureSchema;
import java.util.Random;

/**
 * Synthetic batches of the right shapes: ids uniform in each field's vocabulary, random labels. Half of the histories
 * are full, the other half have a uniform length in [0, n) (so there is padding, and some are empty).
 */
final class RandomBatches {
  private RandomBatches() {}

  static Batch of(FeatureSchema schema, int rows, Random random) {
    Batch batch = new Batch(schema, rows);
    while (!batch.isFull()) addRow(batch, schema, random);
    return batch;
  }

  private static void addRow(Batch batch, FeatureSchema schema, Random random) {
    int[] cat = new int[schema.fields().size()];
    for (int f = 0; f < cat.length; f++) cat[f] = random.nextInt(schema.fields().get(f).cardinality());
    int sequences = schema.sequences().size();
    int[][][] ids = new int[sequences][][];
    int[][] gaps = new int[sequences][];
    for (int s = 0; s < sequences; s++) {
      FeatureSchema.Sequence seq = schema.sequences().get(s);
      int length = random.nextBoolean() ? seq.maxLength() : random.nextInt(seq.maxLength());
      ids[s] = new int[seq.fields().size()][length];
      for (int f = 0; f < ids[s].length; f++) {
        int cardinality = schema.field(seq.fields().get(f)).cardinality();
        for (int p = 0; p < length; p++) ids[s][f][p] = random.nextInt(cardinality);
      }
      gaps[s] = random.ints(length, 1, schema.gapBuckets() + 1).toArray();
    }
    Integer[] labels = new Integer[schema.tasks().size()];
    for (int k = 0; k < labels.length; k++) labels[k] = random.nextInt(2);
    batch.add(cat, ids, gaps, labels);
  }
}
