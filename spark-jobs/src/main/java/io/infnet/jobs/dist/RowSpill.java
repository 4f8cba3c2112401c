package io.infnet.jobs.dist;

import io.infnet.model.data.Example;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A worker's training rows on local disk instead of the heap: each row written once, as it arrives, as runs of int32
 * (every id array length-prefixed), with only its offset kept in memory (8 bytes per row); rows are read back by
 * index with one positioned read each (the OS page cache is the cache). The file is deleted on {@link #close}.
 *
 * <p>A row reads back as the same {@link Example} it was written from, so batches built from it are the same.
 */
final class RowSpill implements AutoCloseable {
  private static final int NO_LABEL = Integer.MIN_VALUE;
  private static final int ABSENT = -1; // a null array (multi-valued fields or gaps the schema has not)

  private final Path file;
  private final FileChannel channel;
  private DataOutputStream out;
  private long[] offsets = new long[1024];
  private int rows;
  private long written;
  private ByteBuffer buffer = ByteBuffer.allocate(4096);

  private RowSpill(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.out = new DataOutputStream(new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16));
  }

  /** A new, empty spill file in {@code dir}. */
  static RowSpill in(Path dir, String prefix) throws IOException {
    Files.createDirectories(dir);
    return new RowSpill(Files.createTempFile(dir, prefix, ".rows"));
  }

  Path file() {
    return file;
  }

  int size() {
    return rows;
  }

  /** Bytes on disk so far. */
  long bytes() {
    return written;
  }

  void append(Example e) throws IOException {
    if (out == null) throw new IllegalStateException("rows of " + file + " are being read: no more can be appended");
    if (rows + 1 >= offsets.length) offsets = Arrays.copyOf(offsets, offsets.length * 2);
    offsets[rows++] = written;
    int ints = 0;
    ints += write(e.cat());
    ints += write(e.multiValues());
    int[][][] seq = e.seqIds();
    out.writeInt(seq.length);
    ints++;
    for (int[][] s : seq) ints += write(s);
    ints += write(e.gaps());
    Integer[] labels = e.labels();
    out.writeInt(labels.length);
    for (Integer l : labels) out.writeInt(l == null ? NO_LABEL : l);
    ints += 1 + labels.length;
    written += 4L * ints;
    offsets[rows] = written;
  }

  private int write(int[] a) throws IOException {
    out.writeInt(a.length);
    for (int v : a) out.writeInt(v);
    return 1 + a.length;
  }

  private int write(int[][] arrays) throws IOException {
    if (arrays == null) {
      out.writeInt(ABSENT);
      return 1;
    }
    out.writeInt(arrays.length);
    int ints = 1;
    for (int[] a : arrays) ints += write(a);
    return ints;
  }

  /** Row {@code index} (0-based, in append order) as it was appended. */
  Example get(int index) throws IOException {
    if (out != null) {
      out.flush();
      out = null; // appends end with the first read
    }
    if (index < 0 || index >= rows) throw new IndexOutOfBoundsException("row " + index + " of " + rows + " in " + file);
    int length = Math.toIntExact(offsets[index + 1] - offsets[index]);
    if (buffer.capacity() < length) buffer = ByteBuffer.allocate(Math.max(length, buffer.capacity() * 2));
    buffer.clear().limit(length);
    long at = offsets[index];
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, at + buffer.position()) < 0) throw new IOException(file + " ends inside row " + index);
    }
    buffer.flip();
    IntBuffer in = buffer.asIntBuffer();
    int[] cat = ints(in);
    int[][] multiValues = arrays(in);
    int[][][] seq = new int[in.get()][][];
    for (int s = 0; s < seq.length; s++) seq[s] = arrays(in);
    int[][] gaps = arrays(in);
    Integer[] labels = new Integer[in.get()];
    for (int k = 0; k < labels.length; k++) {
      int l = in.get();
      labels[k] = l == NO_LABEL ? null : l;
    }
    return new Example(cat, multiValues, seq, gaps, labels);
  }

  private static int[] ints(IntBuffer in) {
    int[] a = new int[in.get()];
    in.get(a);
    return a;
  }

  private static int[][] arrays(IntBuffer in) {
    int n = in.get();
    if (n == ABSENT) return null;
    int[][] a = new int[n][];
    for (int i = 0; i < n; i++) a[i] = ints(in);
    return a;
  }

  /** Closes and deletes the file. */
  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
