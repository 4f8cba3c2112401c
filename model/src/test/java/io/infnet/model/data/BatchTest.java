package io.infnet.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.model.Synthetic;
import io.infnet.schema.FeatureSchema;
import org.junit.jupiter.api.Test;

class BatchTest {
  private final FeatureSchema schema = Synthetic.schema();
  private static final int[] CAT = {1, 2, 3, 4, 1, 1, 5};

  private static int[][][] history(int... items) {
    int[] authors = new int[items.length];
    int[] tags = new int[items.length];
    return new int[][][] {{items, authors, tags}, {new int[0]}};
  }

  private static int[][] gaps(int n) {
    int[] g = new int[n];
    java.util.Arrays.fill(g, 2);
    return new int[][] {g, new int[0]};
  }

  @Test
  void outOfRangeIdIsRefusedNamingTheFieldAndValue() {
    Batch batch = new Batch(schema, 2);
    int[] cat = CAT.clone();
    cat[schema.fieldIndex("tag")] = 8;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batch.add(cat, history(), gaps(0), null));
    assertTrue(e.getMessage().contains("field tag") && e.getMessage().contains("id 8"), e.getMessage());
    IllegalArgumentException inSequence = assertThrows(IllegalArgumentException.class,
        () -> batch.add(CAT, history(3, 40), gaps(2), null));
    assertTrue(inSequence.getMessage().contains("field video_id") && inSequence.getMessage().contains("id 40"), inSequence.getMessage());
    assertEquals(0, batch.size());
  }

  @Test
  void oovModeMapsToZeroAndCounts() {
    Batch batch = new Batch(schema, 2, true);
    int[] cat = CAT.clone();
    cat[0] = -3;
    batch.add(cat, history(3, 40), gaps(2), null);
    assertEquals(2, batch.outOfRangeCount());
    assertEquals(0, batch.categoricalIds()[0]);
    assertEquals(0, batch.sequenceIds(0)[3]); // second event's item
  }

  @Test
  void historiesAreTruncatedToMaxLengthKeepingTheMostRecent() {
    Batch batch = new Batch(schema, 1);
    batch.add(CAT, history(1, 2, 3, 4, 5, 6, 7, 8), gaps(8), new Integer[] {1, null, 0});
    assertEquals(6, batch.sequenceLengths(0)[0]);
    int[] items = new int[6];
    for (int p = 0; p < 6; p++) items[p] = batch.sequenceIds(0)[p * 3];
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, items);
    assertArrayEquals(new float[] {1, 0, 0}, batch.labels());
    assertArrayEquals(new float[] {1, 0, 1}, batch.labelMask());
    assertTrue(batch.isFull());
    batch.clear();
    assertEquals(0, batch.size());
  }

  @Test
  void inconsistentSequenceFieldsAreRefused() {
    Batch batch = new Batch(schema, 1);
    int[][][] ragged = {{new int[] {1, 2}, new int[] {1}, new int[] {1, 1}}, {new int[0]}};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batch.add(CAT, ragged, gaps(2), null));
    assertTrue(e.getMessage().contains("author_id"), e.getMessage());
  }
}
