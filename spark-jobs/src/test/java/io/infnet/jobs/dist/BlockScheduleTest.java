package io.infnet.jobs.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BlockScheduleTest {
  private static final long ROWS = 1000; // not a multiple of the block: a short last block
  private static final int BLOCK = 8;
  private static final int BATCH = 64;

  /** Every step's global batch is the same set of rows for 1, 2, 4 and 8 workers. */
  @Test
  void globalBatchesDoNotDependOnTheWorkerCount() {
    BlockSchedule one = new BlockSchedule(ROWS, BLOCK, BATCH, 1, 7);
    for (int workers : new int[] {2, 4, 8}) {
      BlockSchedule many = new BlockSchedule(ROWS, BLOCK, BATCH, workers, 7);
      assertEquals(one.stepsPerEpoch(), many.stepsPerEpoch());
      for (int epoch = 1; epoch <= 2; epoch++) {
        long[] order = many.blockOrder(epoch);
        assertArrayEquals(one.blockOrder(epoch), order);
        for (long step = 0; step < many.stepsPerEpoch(); step++) {
          long[] expected = sorted(one.positions(order, step, 0));
          long[] union = new long[0];
          for (int w = 0; w < workers; w++) {
            long[] mine = many.positions(order, step, w);
            for (long p : mine) assertEquals(w, many.ownerOf(p), "a worker only trains on rows it owns");
            union = concat(union, mine);
          }
          assertArrayEquals(expected, sorted(union), "step " + step + " of epoch " + epoch + " with " + workers + " workers");
        }
      }
    }
  }

  @Test
  void anEpochVisitsEveryRowOnceAndEpochsDiffer() {
    BlockSchedule s = new BlockSchedule(ROWS, BLOCK, BATCH, 2, 7);
    long[] all = new long[0];
    long[] order = s.blockOrder(1);
    for (long step = 0; step < s.stepsPerEpoch(); step++) {
      for (int w = 0; w < 2; w++) all = concat(all, s.positions(order, step, w));
    }
    assertArrayEquals(LongStream.range(0, ROWS).toArray(), sorted(all));
    assertNotEquals(Arrays.toString(s.blockOrder(1)), Arrays.toString(s.blockOrder(2)));
  }

  @Test
  void localIndicesNumberEachWorkersRowsInPositionOrder() {
    BlockSchedule s = new BlockSchedule(ROWS, BLOCK, BATCH, 4, 7);
    long[] next = new long[4];
    for (long p = 0; p < ROWS; p++) {
      int w = s.ownerOf(p);
      assertEquals(next[w]++, s.localIndexOf(p));
    }
  }

  @Test
  void workersMustDivideTheBlockAndBlocksTheBatch() {
    assertThrows(IllegalArgumentException.class, () -> new BlockSchedule(ROWS, BLOCK, BATCH, 3, 7));
    assertThrows(IllegalArgumentException.class, () -> new BlockSchedule(ROWS, BLOCK, 60, 2, 7));
  }

  private static long[] sorted(long[] a) {
    long[] c = a.clone();
    Arrays.sort(c);
    return c;
  }

  private static long[] concat(long[] a, long[] b) {
    long[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
