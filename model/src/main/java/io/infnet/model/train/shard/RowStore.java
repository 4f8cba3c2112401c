package io.infnet.model.train.shard;

import java.util.Arrays;

/**
 * Rows of {@code width} floats in chunks of 4096 rows, so adding a row never copies more than one chunk and a store can
 * hold more than 2^31 floats. Only the last chunk is partial; it doubles from 16 rows, so a small store stays small.
 * Row {@code r} lives in {@code chunk(r)} at {@code offset(r)}: the same place in every store of the same width.
 */
final class RowStore {
  private static final int CHUNK_SHIFT = 12;
  private static final int CHUNK_ROWS = 1 << CHUNK_SHIFT;
  private static final int FIRST_CHUNK_ROWS = 16;
  private final int width;
  private float[][] chunks = new float[0][];
  private int chunkCount;

  RowStore(int width) {
    if ((long) width * CHUNK_ROWS > Integer.MAX_VALUE) throw new IllegalArgumentException("row width " + width + " is too large");
    this.width = width;
  }

  /** Makes rows 0..row addressable; new rows are zeros. Rows are added in order: row ≤ the rows already held. */
  void ensure(int row) {
    int chunk = row >>> CHUNK_SHIFT;
    if (chunk == chunkCount) {
      if (chunkCount == chunks.length) chunks = Arrays.copyOf(chunks, Math.max(4, chunkCount * 2));
      chunks[chunkCount++] = new float[FIRST_CHUNK_ROWS * width];
    }
    int rowsHeld = chunks[chunk].length / width;
    int inChunk = row & (CHUNK_ROWS - 1);
    if (inChunk >= rowsHeld) chunks[chunk] = Arrays.copyOf(chunks[chunk], Math.min(CHUNK_ROWS, rowsHeld * 2) * width);
  }

  float[] chunk(int row) {
    return chunks[row >>> CHUNK_SHIFT];
  }

  int offset(int row) {
    return (row & (CHUNK_ROWS - 1)) * width;
  }

  void copyOut(int row, float[] to, int at) {
    System.arraycopy(chunk(row), offset(row), to, at, width);
  }

  void copyIn(int row, float[] from, int at) {
    System.arraycopy(from, at, chunk(row), offset(row), width);
  }

  int width() {
    return width;
  }

  long bytes() {
    long floats = 0;
    for (int c = 0; c < chunkCount; c++) floats += chunks[c].length;
    return floats * Float.BYTES;
  }
}
