package io.infnet.model.train;

import ai.djl.ndarray.NDArray;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradients of the <em>summed</em> loss over the rows of one or more batches, per parameter, with the row count.
 * Data-parallel workers add theirs with {@link #plus} (an all-reduce is a sum); {@link Trainer#applyUpdate} divides
 * by {@link #samples()}, so the update follows the mean loss over every row of every shard, exactly.
 *
 * <p>Embedding tables are row-sparse: only the rows a batch touched are stored ({@link Tensor#rows()}).
 * {@link #toBytes()} is a plain binary form for shipping between JVMs (no Java serialization).
 *
 * <p>The trainer's own gradients live on the model's device as one flat buffer ({@link #onDevice}), plus, with
 * row-wise embedding updates, each table's touched rows ({@link RowGradients}); the per-tensor host form is copied
 * out of them only when asked for (an all-reduce, statistics), a table's straight from its U×d rows. The device
 * buffers are released at the first {@link Trainer#computeGradients} after an optimizer step.
 */
public final class Gradients {
  private static final int MAGIC = 0x494e4647; // "INFG"
  private Map<String, Tensor> tensors; // null until copied out of the device buffer
  private final NDArray deviceBuffer;
  private final RowGradients deviceRows;
  private final ParameterLayout layout;
  private final long samples;
  private final double shardedSquaredNorm;

  /**
   * One parameter's gradient.
   *
   * @param shape  the parameter's shape
   * @param rows   sorted touched row indices for a row-sparse tensor (values = rows.length × row width), or null = dense
   * @param values the gradient values
   */
  public record Tensor(String name, long[] shape, int[] rows, float[] values) {
    public boolean isSparse() {
      return rows != null;
    }

    public int rowWidth() {
      long w = 1;
      for (int i = 1; i < shape.length; i++) w *= shape[i];
      return Math.toIntExact(w);
    }

    public int denseSize() {
      long n = 1;
      for (long s : shape) n *= s;
      return Math.toIntExact(n);
    }

    /** The full gradient (zeros where a sparse tensor has no row). */
    public float[] dense() {
      if (!isSparse()) return values;
      int width = rowWidth();
      float[] out = new float[denseSize()];
      for (int i = 0; i < rows.length; i++) System.arraycopy(values, i * width, out, rows[i] * width, width);
      return out;
    }

    /** A row-sparse tensor of the rows of {@code dense} that are not all zero. */
    public static Tensor sparseOf(String name, long[] shape, float[] dense) {
      Tensor t = new Tensor(name, shape, null, dense);
      int width = t.rowWidth();
      int rowCount = dense.length / width;
      int[] touched = new int[rowCount];
      int n = 0;
      for (int r = 0; r < rowCount; r++) {
        for (int j = r * width; j < (r + 1) * width; j++) {
          if (dense[j] != 0f) {
            touched[n++] = r;
            break;
          }
        }
      }
      int[] rows = Arrays.copyOf(touched, n);
      float[] values = new float[n * width];
      for (int i = 0; i < n; i++) System.arraycopy(dense, rows[i] * width, values, i * width, width);
      return new Tensor(name, shape, rows, values);
    }
  }

  public Gradients(List<Tensor> tensors, long samples) {
    this(tensors, samples, Double.NaN);
  }

  /**
   * Host gradients after a sharded exchange: each sharded table holds only the rows this worker owns, and
   * {@code shardedSquaredNorm} is Σ g² over every owner's rows of those tables (the global gradient norm needs it).
   */
  public Gradients(List<Tensor> tensors, long samples, double shardedSquaredNorm) {
    this.tensors = byName(tensors);
    this.deviceBuffer = null;
    this.deviceRows = null;
    this.layout = null;
    this.samples = samples;
    this.shardedSquaredNorm = shardedSquaredNorm;
  }

  private Gradients(NDArray deviceBuffer, RowGradients deviceRows, ParameterLayout layout, long samples) {
    this.deviceBuffer = deviceBuffer;
    this.deviceRows = deviceRows;
    this.layout = layout;
    this.samples = samples;
    this.shardedSquaredNorm = Double.NaN;
  }

  /** Gradients held on the model's device: one flat buffer in {@code layout}'s order and the tables updated by rows. */
  static Gradients onDevice(NDArray flat, RowGradients rows, ParameterLayout layout, long samples) {
    return new Gradients(flat, rows, layout, samples);
  }

  /** The flat device buffer when these gradients are one in {@code layout} (the trainer's own), else null. */
  NDArray deviceBuffer(ParameterLayout layout) {
    return this.layout == layout ? deviceBuffer : null;
  }

  /** The device row gradients when these gradients are the trainer's own in {@code layout}, else null. */
  RowGradients deviceRows(ParameterLayout layout) {
    return this.layout == layout ? deviceRows : null;
  }

  private static Map<String, Tensor> byName(List<Tensor> tensors) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (Tensor t : tensors) m.put(t.name(), t);
    return Collections.unmodifiableMap(m);
  }

  /** The per-tensor host form; for device gradients, one device → host copy of the flat buffer on first use. */
  private Map<String, Tensor> host() {
    if (tensors == null) {
      if (deviceBuffer.isReleased()) {
        throw new IllegalStateException("these gradients were released: the trainer frees device gradients at the first step after an optimizer update");
      }
      tensors = byName(layout.split(deviceBuffer.toFloatArray(), deviceRows));
    }
    return tensors;
  }

  /** Σ g² of the sharded tables' rows over every owner (NaN: not a sharded exchange's result; the tensors hold all rows). */
  public double shardedSquaredNorm() {
    return shardedSquaredNorm;
  }

  /** Rows whose losses these gradients sum. */
  public long samples() {
    return samples;
  }

  public List<Tensor> tensors() {
    return List.copyOf(host().values());
  }

  public Tensor get(String name) {
    Tensor t = host().get(name);
    if (t == null) throw new IllegalArgumentException("no gradient for parameter '" + name + "'");
    return t;
  }

  /**
   * The sum of two gradient sets of the same model (sparse rows are merged); two device gradient sets of one trainer
   * without row-wise tables add on the device.
   */
  public Gradients plus(Gradients other) {
    if (layout != null && !layout.hasRowSlots() && other.deviceBuffer(layout) != null && !deviceBuffer.isReleased()
        && !other.deviceBuffer.isReleased()) {
      return onDevice(deviceBuffer.add(other.deviceBuffer), RowGradients.NONE, layout, samples + other.samples);
    }
    Map<String, Tensor> mine = host();
    Map<String, Tensor> theirs = other.host();
    if (!mine.keySet().equals(theirs.keySet())) {
      throw new IllegalArgumentException("gradients of different models: " + mine.keySet() + " vs " + theirs.keySet());
    }
    List<Tensor> out = new ArrayList<>();
    for (Tensor a : mine.values()) out.add(add(a, theirs.get(a.name())));
    return new Gradients(out, samples + other.samples);
  }

  private static Tensor add(Tensor a, Tensor b) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException("gradient " + a.name() + ": shape " + Arrays.toString(a.shape()) + " vs " + Arrays.toString(b.shape()));
    }
    if (!a.isSparse() || !b.isSparse()) {
      float[] sum = a.dense().clone();
      float[] other = b.dense();
      for (int i = 0; i < sum.length; i++) sum[i] += other[i];
      return new Tensor(a.name(), a.shape(), null, sum);
    }
    return mergeRows(a, b);
  }

  private static Tensor mergeRows(Tensor a, Tensor b) {
    int width = a.rowWidth();
    int[] rows = new int[a.rows().length + b.rows().length];
    float[] values = new float[rows.length * width];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.rows().length || j < b.rows().length) {
      int ra = i < a.rows().length ? a.rows()[i] : Integer.MAX_VALUE;
      int rb = j < b.rows().length ? b.rows()[j] : Integer.MAX_VALUE;
      int row = Math.min(ra, rb);
      rows[n] = row;
      if (ra == row) addRow(a.values(), i++, values, n, width);
      if (rb == row) addRow(b.values(), j++, values, n, width);
      n++;
    }
    return new Tensor(a.name(), a.shape(), Arrays.copyOf(rows, n), Arrays.copyOf(values, n * width));
  }

  private static void addRow(float[] from, int fromRow, float[] to, int toRow, int width) {
    for (int k = 0; k < width; k++) to[toRow * width + k] += from[fromRow * width + k];
  }

  /** Σ g² over every parameter. */
  public double squaredNorm() {
    double sum = 0;
    for (Tensor t : host().values()) for (float v : t.values()) sum += (double) v * v;
    return sum;
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeLong(samples);
      Map<String, Tensor> all = host();
      out.writeInt(all.size());
      for (Tensor t : all.values()) {
        out.writeUTF(t.name());
        out.writeInt(t.shape().length);
        for (long s : t.shape()) out.writeLong(s);
        out.writeInt(t.isSparse() ? t.rows().length : -1);
        if (t.isSparse()) for (int r : t.rows()) out.writeInt(r);
        out.writeInt(t.values().length);
        for (float v : t.values()) out.writeFloat(v);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Gradients fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
      if (in.readInt() != MAGIC) throw new IllegalArgumentException("not a Gradients byte form");
      long samples = in.readLong();
      int count = in.readInt();
      List<Tensor> tensors = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        long[] shape = new long[in.readInt()];
        for (int k = 0; k < shape.length; k++) shape[k] = in.readLong();
        int rowCount = in.readInt();
        int[] rows = rowCount < 0 ? null : new int[rowCount];
        for (int k = 0; rows != null && k < rowCount; k++) rows[k] = in.readInt();
        float[] values = new float[in.readInt()];
        for (int k = 0; k < values.length; k++) values[k] = in.readFloat();
        tensors.add(new Tensor(name, shape, rows, values));
      }
      return new Gradients(tensors, samples);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated Gradients byte form", e);
    }
  }
}
