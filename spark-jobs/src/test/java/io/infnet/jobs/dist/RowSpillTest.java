package io.infnet.jobs.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.model.data.Example;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's spilled training rows: each read back, in any order, as the row it was written from; the file goes on close. */
class RowSpillTest {
  @TempDir Path dir;

  private static int[] ids(Random random, int max) {
    int[] a = new int[random.nextInt(max + 1)];
    for (int i = 0; i < a.length; i++) a[i] = random.nextInt(1_000_000);
    return a;
  }

  /** Rows shaped as RowBatches.parse gives them: empty lists, missing labels, with and without gaps. */
  private static Example example(Random random, boolean gaps) {
    int[] cat = {random.nextInt(100), random.nextInt(Integer.MAX_VALUE), 0};
    int[][] multi = {ids(random, 4)};
    int[][][] seq = new int[2][][];
    int[][] gapRuns = gaps ? new int[2][] : null;
    for (int s = 0; s < 2; s++) {
      int length = random.nextInt(31);
      seq[s] = new int[3][];
      for (int f = 0; f < 3; f++) seq[s][f] = java.util.Arrays.copyOf(ids(random, 30), length);
      if (gaps) gapRuns[s] = java.util.Arrays.copyOf(ids(random, 30), length);
    }
    Integer[] labels = {random.nextBoolean() ? null : random.nextInt(2), random.nextInt(2), null};
    return new Example(cat, multi, seq, gapRuns, labels);
  }

  private static void assertSame(Example want, Example got, int row) {
    assertArrayEquals(want.cat(), got.cat(), "row " + row + " categorical");
    assertArrayEquals(want.multiValues(), got.multiValues(), "row " + row + " multi-valued");
    assertArrayEquals(want.seqIds(), got.seqIds(), "row " + row + " sequences");
    assertArrayEquals(want.gaps(), got.gaps(), "row " + row + " gaps");
    assertArrayEquals(want.labels(), got.labels(), "row " + row + " labels");
  }

  @Test
  void rowsReadBackInAnyOrderEqualToTheOriginalsAndTheFileIsDeletedOnClose() throws IOException {
    Random random = new Random(11);
    List<Example> written = new ArrayList<>();
    Path file;
    try (RowSpill spill = RowSpill.in(dir.resolve("local"), "train-0-")) {
      file = spill.file();
      for (int i = 0; i < 5_000; i++) {
        Example e = example(random, i % 2 == 0);
        written.add(e);
        spill.append(e);
      }
      assertEquals(5_000, spill.size());
      assertTrue(spill.bytes() > 5_000 * 4 * 10, "compact, but every value is there: " + spill.bytes());
      for (int k = 0; k < 20_000; k++) {
        int i = random.nextInt(written.size());
        assertSame(written.get(i), spill.get(i), i);
      }
      for (int i = written.size() - 1; i >= 0; i--) assertSame(written.get(i), spill.get(i), i);
      assertEquals(spill.bytes(), Files.size(file), "the offsets index the whole file");
      assertThrows(IllegalStateException.class, () -> spill.append(written.get(0)), "appends end with the first read");
      assertThrows(IndexOutOfBoundsException.class, () -> spill.get(5_000));
    }
    assertFalse(Files.exists(file), "deleted on close");
  }

  @Test
  void theFileIsDeletedWhenTheTaskFailsWhileWriting() throws IOException {
    Path[] file = new Path[1];
    assertThrows(IllegalStateException.class, () -> {
      try (RowSpill spill = RowSpill.in(dir, "train-1-")) {
        file[0] = spill.file();
        spill.append(example(new Random(1), false));
        throw new IllegalStateException("the worker failed");
      }
    });
    assertFalse(Files.exists(file[0]));
  }
}
