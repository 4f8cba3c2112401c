package io.infnet.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.infnet.model.Synthetic;
import io.infnet.schema.FeatureSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExampleSetTest {
  private final FeatureSchema schema = Synthetic.schemaWithMultiValuedTag();

  private ExampleSet set(int rows) {
    return Synthetic.exampleSet(schema, rows, new Random(rows));
  }

  private static List<Batch> all(Iterator<Batch> it) {
    List<Batch> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static void assertSameBatches(List<Batch> a, List<Batch> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).categoricalIds(), b.get(i).categoricalIds());
      assertArrayEquals(a.get(i).multiValuedIds(0), b.get(i).multiValuedIds(0));
      assertArrayEquals(a.get(i).sequenceIds(0), b.get(i).sequenceIds(0));
      assertArrayEquals(a.get(i).sequenceGaps(1), b.get(i).sequenceGaps(1));
      assertArrayEquals(a.get(i).labels(), b.get(i).labels());
      assertArrayEquals(a.get(i).labelMask(), b.get(i).labelMask());
    }
  }

  @Test
  void binaryFormRoundTripsRowsUsersLabelsAndOracle() throws Exception {
    ExampleSet original = set(50);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    original.write(bytes);
    ExampleSet read = ExampleSet.read(new ByteArrayInputStream(bytes.toByteArray()), schema);
    assertEquals(50, read.size());
    assertArrayEquals(original.users(), read.users());
    assertArrayEquals(original.oracle(1), read.oracle(1));
    assertArrayEquals(original.labels(0), read.labels(0));
    assertSameBatches(all(original.batches(16)), all(read.batches(16)));
  }

  @Test
  void shuffleIsAPermutationFixedBySeedAndEpoch() {
    ExampleSet s = set(40);
    List<Batch> epoch1 = all(s.shuffled(40, 7, 1));
    assertSameBatches(epoch1, all(s.shuffled(40, 7, 1)));
    int[] inOrder = all(s.batches(40)).get(0).categoricalIds();
    int[] shuffled = epoch1.get(0).categoricalIds();
    assertNotEquals(Arrays.toString(inOrder), Arrays.toString(shuffled));
    assertNotEquals(Arrays.toString(shuffled), Arrays.toString(all(s.shuffled(40, 7, 2)).get(0).categoricalIds()));
    int[] a = inOrder.clone();
    int[] b = shuffled.clone();
    Arrays.sort(a);
    Arrays.sort(b);
    assertArrayEquals(a, b, "the same rows");
    assertEquals(3, all(s.shuffled(16, 7, 1)).size(), "16 + 16 + 8");
  }
}
