package io.infnet.jobs.dist;

import java.util.Arrays;

/**
 * Rows of an embedding-table gradient: sorted, distinct row ids and their values ({@code width} floats each,
 * row-major). What travels between workers for embeddings instead of the whole table.
 */
public record SparseRows(int width, long[] ids, float[] values) {
  public SparseRows {
    if (values.length != (long) ids.length * width) {
      throw new IllegalArgumentException(ids.length + " rows of width " + width + " need " + (long) ids.length * width
          + " values, got " + values.length);
    }
    for (int i = 1; i < ids.length; i++) {
      if (ids[i] <= ids[i - 1]) throw new IllegalArgumentException("row ids must be sorted and distinct: " + ids[i - 1] + ", " + ids[i]);
    }
  }

  public static SparseRows empty(int width) {
    return new SparseRows(width, new long[0], new float[0]);
  }

  public int rows() {
    return ids.length;
  }

  /** Bytes on the wire (ids + values). */
  public long bytes() {
    return ids.length * 8L + values.length * 4L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseRows s && s.width == width && Arrays.equals(s.ids, ids) && Arrays.equals(s.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ids) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "SparseRows[" + ids.length + " rows x " + width + "]";
  }
}
