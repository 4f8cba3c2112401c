package io.infnet.jobs.dist;

import java.util.Arrays;

/**
 * Which rows each worker trains on at each step, such that a global batch holds the same rows whatever the
 * number of workers W. Rows have global positions 0..N-1 (a seeded hash order fixed once per run); positions
 * form blocks of {@code blockSize} consecutive rows; every epoch shuffles the blocks with a seed derived from
 * (seed, epoch); a global batch is {@code batchSize / blockSize} consecutive shuffled blocks. Worker r owns, in
 * every block, the positions whose offset o satisfies {@code o * W / blockSize == r}: its rows never change, so
 * data is laid out once and never moves between epochs, and each worker computes its own schedule.
 * W must divide the block size; the global batch size must be a multiple of it.
 */
public final class BlockSchedule implements java.io.Serializable {
  private final long rows;
  private final int blockSize;
  private final int batchSize;
  private final int workers;
  private final long seed;

  public BlockSchedule(long rows, int blockSize, int batchSize, int workers, long seed) {
    if (blockSize % workers != 0) throw new IllegalArgumentException(workers + " workers do not divide the block size " + blockSize);
    if (batchSize % blockSize != 0) {
      throw new IllegalArgumentException("train.batch_size=" + batchSize + " must be a multiple of the shuffle block " + blockSize);
    }
    this.rows = rows;
    this.blockSize = blockSize;
    this.batchSize = batchSize;
    this.workers = workers;
    this.seed = seed;
  }

  public long blocks() {
    return (rows + blockSize - 1) / blockSize;
  }

  public long stepsPerEpoch() {
    return (blocks() + blocksPerStep() - 1) / blocksPerStep();
  }

  private int blocksPerStep() {
    return batchSize / blockSize;
  }

  /** The worker that owns a global position. */
  public int ownerOf(long position) {
    return (int) (position % blockSize * workers / blockSize);
  }

  /** The index of a global position within its owner's rows (owners keep their rows in position order). */
  public long localIndexOf(long position) {
    long block = position / blockSize;
    int offset = (int) (position % blockSize);
    int perWorker = blockSize / workers;
    return block * perWorker + offset % perWorker;
  }

  /** The block order of an epoch (1-based), the same on every worker. */
  public long[] blockOrder(int epoch) {
    long[] order = new long[Math.toIntExact(blocks())];
    for (int i = 0; i < order.length; i++) order[i] = i;
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      long t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** Global positions of step {@code step} (0-based) of an epoch, for {@code worker}, ascending within each block. */
  public long[] positions(long[] blockOrder, long step, int worker) {
    int perWorker = blockSize / workers;
    long first = step * blocksPerStep();
    long last = Math.min(blockOrder.length, first + blocksPerStep());
    long[] out = new long[(int) ((last - first) * perWorker)];
    int n = 0;
    for (long b = first; b < last; b++) {
      long base = blockOrder[(int) b] * blockSize + (long) worker * perWorker;
      for (int o = 0; o < perWorker; o++) {
        long p = base + o;
        if (p < rows) out[n++] = p; // the last block may be short
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
