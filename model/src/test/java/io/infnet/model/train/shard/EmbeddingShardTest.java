package io.infnet.model.train.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.choices.OptimizerKind;
import io.infnet.model.nn.Init;
import io.infnet.model.train.ReferenceTable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The owner-side shard of an embedding table against the trainer's libtorch row-wise optimizer, and its storage. */
class EmbeddingShardTest {
  private static final Init INIT = Init.scaled(0.05);
  private static final long SEED = 7;
  private static final int WIDTH = 13; // not a multiple of the vector width: the kernels' scalar tails run too

  /**
   * 20 steps on random subsets of 30 of 40 rows: the shard's rows and slots equal the libtorch table's updated by
   * Optimizer.updateRows from the same initial rows; the 10 rows never touched keep their initial value and are not
   * stored. A name ending in "bias" takes no decay, as in Optimizer.
   */
  @ParameterizedTest
  @CsvSource({"ADAM, user.table", "ADAMW, user.table", "ADAGRAD, user.table", "ADAMW, tokens.bias"})
  void updatesFollowTheTrainersRowWiseOptimizer(OptimizerKind kind, String name) {
    int rows = 40;
    double decay = 0.01, scale = 0.5, lr = 0.01;
    long[] ids = IntStream.range(0, rows).mapToLong(r -> 1_000_003L * r - 17).toArray(); // ascending, sparse, one negative
    float[] initial = new float[rows * WIDTH];
    for (int r = 0; r < rows; r++) System.arraycopy(EmbeddingShard.initialRow(name, WIDTH, INIT, SEED, ids[r]), 0, initial, r * WIDTH, WIDTH);
    EmbeddingShard shard = new EmbeddingShard(name, WIDTH, INIT, SEED, kind, decay);
    Random random = new Random(11);
    boolean[] touched = new boolean[rows];
    try (ReferenceTable reference = new ReferenceTable(name, initial, WIDTH, kind, decay)) {
      for (int step = 1; step <= 20; step++) {
        int[] subset = randomSubset(random, rows - 10);
        long[] tableRows = new long[subset.length], shardIds = new long[subset.length];
        for (int i = 0; i < subset.length; i++) {
          tableRows[i] = subset[i];
          shardIds[i] = ids[subset[i]];
          touched[subset[i]] = true;
        }
        float[] gradients = gaussian(random, subset.length * WIDTH);
        reference.updateRows(tableRows, gradients, scale, lr, step);
        shard.update(shardIds, gradients, scale, lr, step);
      }
      assertClose(reference.weights(), shard.read(ids), kind + " " + name + " weights");
      EmbeddingShard.Contents contents = shard.contents();
      int[] stored = IntStream.range(0, rows).filter(r -> touched[r]).toArray();
      assertArrayEquals(Arrays.stream(stored).mapToLong(r -> ids[r]).toArray(), contents.ids());
      for (int s = 0; s < shard.slotNames().size(); s++) {
        String slot = shard.slotNames().get(s);
        assertClose(rowsOf(reference.slot(slot), stored), contents.slots().get(s), kind + " " + name + " slot " + slot);
      }
      assertEquals(rows - 10, stored.length, "every row of the first 30 is touched in 20 steps");
    }
  }

  @Test
  void unseenRowsReadTheirInitialValueAndAreNotStored() {
    EmbeddingShard shard = new EmbeddingShard("item.table", WIDTH, INIT, SEED, OptimizerKind.ADAM, 0);
    long bytesEmpty = shard.bytes();
    long[] ids = {5, -3, 1L << 40, 5};
    float[] read = shard.read(ids);
    for (int i = 0; i < ids.length; i++) {
      assertArrayEquals(EmbeddingShard.initialRow("item.table", WIDTH, INIT, SEED, ids[i]), Arrays.copyOfRange(read, i * WIDTH, (i + 1) * WIDTH));
    }
    assertEquals(0, shard.rowCount());
    assertEquals(bytesEmpty, shard.bytes());
    shard.update(new long[] {5}, new float[WIDTH], 1, 0.1, 1);
    assertEquals(1, shard.rowCount());
  }

  /** Counter-based: a row's start depends on (seed, name, id, width, init) only, not on which rows were drawn before. */
  @Test
  void initialRowDependsOnlyOnSeedNameIdWidthAndInit() {
    float[] row = EmbeddingShard.initialRow("user.table", WIDTH, INIT, SEED, 42);
    EmbeddingShard.initialRow("user.table", WIDTH, INIT, SEED, 41); // another row drawn first changes nothing
    assertArrayEquals(row, EmbeddingShard.initialRow("user.table", WIDTH, INIT, SEED, 42));
    assertArrayEquals(row, new EmbeddingShard("user.table", WIDTH, INIT, SEED, OptimizerKind.ADAGRAD, 0).read(new long[] {42}));
    assertFalse(Arrays.equals(row, EmbeddingShard.initialRow("user.table", WIDTH, INIT, SEED, 43)), "id");
    assertFalse(Arrays.equals(row, EmbeddingShard.initialRow("item.table", WIDTH, INIT, SEED, 42)), "name");
    assertFalse(Arrays.equals(row, EmbeddingShard.initialRow("user.table", WIDTH, INIT, SEED + 1, 42)), "seed");
    assertFalse(Arrays.equals(row, EmbeddingShard.initialRow("user.table", WIDTH, Init.scaled(0.1), SEED, 42)), "init");
    assertEquals(WIDTH + 3, EmbeddingShard.initialRow("user.table", WIDTH + 3, INIT, SEED, 42).length);
  }

  /** A checkpoint restores every row and slot (the next steps agree), and re-split with keep holds only the kept ids. */
  @Test
  void contentsRoundTripAndLoadKeepsOnlyTheIdsAsked() {
    EmbeddingShard original = trainedShard();
    EmbeddingShard restored = new EmbeddingShard("user.table", WIDTH, INIT, SEED, OptimizerKind.ADAM, 0.01);
    restored.load(original.contents(), id -> true);
    assertContentsEqual(original.contents(), restored.contents());
    long[] next = {0, 3, 99, 1000};
    float[] gradients = gaussian(new Random(5), next.length * WIDTH);
    original.update(next, gradients, 1, 0.01, 31);
    restored.update(next, gradients, 1, 0.01, 31);
    assertContentsEqual(original.contents(), restored.contents());

    EmbeddingShard even = new EmbeddingShard("user.table", WIDTH, INIT, SEED, OptimizerKind.ADAM, 0.01);
    even.update(new long[] {12345}, new float[WIDTH], 1, 0.01, 1); // replaced by load
    even.load(original.contents(), id -> id % 2 == 0);
    long[] all = original.contents().ids();
    long[] evenIds = Arrays.stream(all).filter(id -> id % 2 == 0).toArray();
    assertTrue(evenIds.length > 0 && evenIds.length < all.length);
    assertArrayEquals(evenIds, even.contents().ids());
    assertEquals(evenIds.length, even.rowCount());
    assertArrayEquals(original.read(evenIds), even.read(evenIds));
    long odd = Arrays.stream(all).filter(id -> id % 2 != 0).findFirst().orElseThrow();
    assertArrayEquals(EmbeddingShard.initialRow("user.table", WIDTH, INIT, SEED, odd), even.read(new long[] {odd}));
    assertArrayEquals(EmbeddingShard.initialRow("user.table", WIDTH, INIT, SEED, 12345), even.read(new long[] {12345}));
  }

  @Test
  void badInputNamesTheTableAndWhatWasExpected() {
    EmbeddingShard shard = trainedShard();
    EmbeddingShard.Contents before = shard.contents();
    IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
        () -> shard.update(new long[] {4, 8, 4}, new float[3 * WIDTH], 1, 0.01, 40));
    assertEquals("embedding shard 'user.table': id 4 appears twice in the update (positions 0 and 2), expected distinct ids",
        duplicate.getMessage());
    IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
        () -> shard.update(new long[] {4}, new float[WIDTH + 1], 1, 0.01, 40));
    assertTrue(length.getMessage().contains("14 gradient values for 1 ids, expected ids × width = 13"), length.getMessage());
    EmbeddingShard.Contents truncated = new EmbeddingShard.Contents(before.ids(),
        Arrays.copyOf(before.weights(), before.weights().length - 1), before.slots());
    IllegalArgumentException contents = assertThrows(IllegalArgumentException.class, () -> shard.load(truncated, id -> true));
    assertTrue(contents.getMessage().startsWith("embedding shard 'user.table': contents weights hold"), contents.getMessage());
    assertContentsEqual(before, shard.contents()); // nothing changed by the rejected calls
  }

  @Test
  void longIntMapAgreesWithHashMapThroughGrowth() {
    LongIntMap map = new LongIntMap();
    Map<Long, Integer> expected = new HashMap<>();
    Random random = new Random(3);
    long[] keys = new long[100_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i % 10 == 0 ? i : random.nextLong(); // sequential and random keys
      int value = random.nextInt(Integer.MAX_VALUE);
      Integer previous = expected.put(keys[i], value);
      assertEquals(previous == null ? LongIntMap.ABSENT : previous, map.put(keys[i], value));
    }
    for (int i = 0; i < 1000; i++) { // overwrites
      long key = keys[random.nextInt(keys.length)];
      assertEquals(expected.put(key, i), map.put(key, i));
    }
    assertEquals(expected.size(), map.size());
    for (Map.Entry<Long, Integer> e : expected.entrySet()) assertEquals(e.getValue(), map.get(e.getKey()));
    for (int i = 0; i < 10_000; i++) {
      long key = random.nextLong();
      assertEquals(expected.getOrDefault(key, LongIntMap.ABSENT), map.get(key));
    }
    long[] mapKeys = map.keys();
    Arrays.sort(mapKeys);
    assertArrayEquals(expected.keySet().stream().mapToLong(Long::longValue).sorted().toArray(), mapKeys);
    assertTrue(map.bytes() <= 40L * map.size(), "bytes per entry " + (double) map.bytes() / map.size());
  }

  @Test
  void memoryIsRowsTimesWidthTimesFourTimesOnePlusSlots() {
    int rows = 100_000, width = 64;
    EmbeddingShard shard = new EmbeddingShard("user.table", width, INIT, SEED, OptimizerKind.ADAM, 0);
    long[] ids = new Random(1).longs(rows).toArray();
    shard.update(ids, new float[rows * width], 1, 0.01, 1);
    assertEquals(rows, shard.rowCount());
    long payload = (long) rows * width * Float.BYTES * 3;
    assertTrue(shard.bytes() >= payload && shard.bytes() < payload * 1.1, "bytes " + shard.bytes() + " for a payload of " + payload);
  }

  private static EmbeddingShard trainedShard() {
    EmbeddingShard shard = new EmbeddingShard("user.table", WIDTH, INIT, SEED, OptimizerKind.ADAM, 0.01);
    Random random = new Random(9);
    for (int step = 1; step <= 30; step++) {
      long[] ids = Arrays.stream(randomSubset(random, 200)).mapToLong(i -> i * 3L).toArray();
      shard.update(ids, gaussian(random, ids.length * WIDTH), 1, 0.01, step);
    }
    return shard;
  }

  private static int[] randomSubset(Random random, int n) {
    return IntStream.range(0, n).filter(i -> random.nextInt(3) == 0).toArray();
  }

  private static float[] gaussian(Random random, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) random.nextGaussian();
    return v;
  }

  private static float[] rowsOf(float[] table, int[] rows) {
    float[] out = new float[rows.length * WIDTH];
    for (int i = 0; i < rows.length; i++) System.arraycopy(table, rows[i] * WIDTH, out, i * WIDTH, WIDTH);
    return out;
  }

  private static void assertContentsEqual(EmbeddingShard.Contents expected, EmbeddingShard.Contents actual) {
    assertArrayEquals(expected.ids(), actual.ids());
    assertArrayEquals(expected.weights(), actual.weights());
    assertEquals(expected.slots().size(), actual.slots().size());
    for (int s = 0; s < expected.slots().size(); s++) assertArrayEquals(expected.slots().get(s), actual.slots().get(s));
  }

  /**
   * Row by row within 1e-6 of the row's largest magnitude. Not element-relative: an element that steps of ±lr cancel
   * to near zero carries the steps' rounding. Not bit-exact: libtorch's CPU sqrt is off by an ulp now and then.
   */
  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int row = 0; row < expected.length / WIDTH; row++) {
      double scale = 0;
      for (int i = row * WIDTH; i < (row + 1) * WIDTH; i++) scale = Math.max(scale, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
      for (int i = row * WIDTH; i < (row + 1) * WIDTH; i++) {
        assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-6 * scale, what + " row " + row + " [" + (i - row * WIDTH) + "]: expected "
            + expected[i] + ", got " + actual[i]);
      }
    }
  }
}
