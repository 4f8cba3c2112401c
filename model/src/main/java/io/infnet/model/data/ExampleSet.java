package io.infnet.model.data;

import io.infnet.model.nn.SplitMix64;
import io.infnet.schema.FeatureSchema;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One split of a feature table held in memory: its rows ({@link Example}), each row's user (for gAUC) and, on
 * synthetic data, each task's true probability (the oracle). Many models can train on it without re-reading the
 * lake: batches in row order (evaluation) or in a seeded shuffle per epoch (training). It also has a compact
 * binary form, so that a comparison can run where Spark and the lake are not (a GPU host).
 */
public final class ExampleSet {
  private static final int MAGIC = 0x494e4631; // "INF1"
  private final FeatureSchema schema;
  private final List<Example> examples;
  private final long[] users;
  private final float[][] oracle; // [task][row], or null

  public ExampleSet(FeatureSchema schema, List<Example> examples, long[] users, float[][] oracle) {
    if (users.length != examples.size()) throw new IllegalArgumentException(users.length + " users for " + examples.size() + " rows");
    this.schema = schema;
    this.examples = List.copyOf(examples);
    this.users = users;
    this.oracle = oracle;
  }

  public FeatureSchema schema() {
    return schema;
  }

  public int size() {
    return examples.size();
  }

  public long[] users() {
    return users;
  }

  /** The true probability of task k per row, or null when the table carries no oracle. */
  public float[] oracle(int task) {
    return oracle == null ? null : oracle[task];
  }

  /** Labels of task k per row; NaN = missing. */
  public float[] labels(int task) {
    float[] y = new float[size()];
    for (int r = 0; r < y.length; r++) {
      Integer label = examples.get(r).labels()[task];
      y[r] = label == null ? Float.NaN : label;
    }
    return y;
  }

  /** Batches in row order. */
  public Iterator<Batch> batches(int batchSize) {
    int[] order = new int[size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    return batches(order, batchSize);
  }

  /** Batches of a Fisher-Yates shuffle drawn from (seed, epoch). */
  public Iterator<Batch> shuffled(int batchSize, long seed, int epoch) {
    int[] order = new int[size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    SplitMix64 random = new SplitMix64(SplitMix64.mix(seed, epoch));
    for (int i = order.length - 1; i > 0; i--) {
      int j = (int) Math.floorMod(random.nextLong(), (long) (i + 1));
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return batches(order, batchSize);
  }

  private Iterator<Batch> batches(int[] order, int batchSize) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < order.length;
      }

      @Override
      public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        Batch b = new Batch(schema, Math.min(batchSize, order.length - next), true);
        while (!b.isFull()) examples.get(order[next++]).addTo(b);
        return b;
      }
    };
  }

  /** The binary form (variable-length ints; compress the stream for transport). The schema is not included. */
  public void write(OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    int tasks = schema.tasks().size();
    out.writeInt(MAGIC);
    out.writeInt(size());
    out.writeBoolean(oracle != null);
    for (int r = 0; r < size(); r++) {
      Example e = examples.get(r);
      out.writeLong(users[r]);
      writeInts(out, e.cat());
      writeNested(out, e.multiValues());
      out.writeShort(e.seqIds().length);
      for (int[][] seq : e.seqIds()) writeNested(out, seq);
      writeNested(out, e.gaps());
      for (int k = 0; k < tasks; k++) out.writeByte(e.labels()[k] == null ? 2 : e.labels()[k]);
      if (oracle != null) for (int k = 0; k < tasks; k++) out.writeFloat(oracle[k][r]);
    }
    out.flush();
  }

  public static ExampleSet read(InputStream stream, FeatureSchema schema) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != MAGIC) throw new IOException("not an example set (bad magic number)");
    int rows = in.readInt();
    boolean hasOracle = in.readBoolean();
    int tasks = schema.tasks().size();
    List<Example> examples = new ArrayList<>(rows);
    long[] users = new long[rows];
    float[][] oracle = hasOracle ? new float[tasks][rows] : null;
    for (int r = 0; r < rows; r++) {
      users[r] = in.readLong();
      int[] cat = readInts(in);
      int[][] multi = readNested(in);
      int[][][] seq = new int[in.readShort()][][];
      for (int s = 0; s < seq.length; s++) seq[s] = readNested(in);
      int[][] gaps = readNested(in);
      Integer[] labels = new Integer[tasks];
      for (int k = 0; k < tasks; k++) {
        int v = in.readByte();
        labels[k] = v == 2 ? null : v;
      }
      if (oracle != null) for (int k = 0; k < tasks; k++) oracle[k][r] = in.readFloat();
      examples.add(new Example(cat, multi, seq, gaps, labels));
    }
    return new ExampleSet(schema, examples, users, oracle);
  }

  private static void writeNested(DataOutputStream out, int[][] lists) throws IOException {
    if (lists == null) {
      writeVarint(out, 0);
      return;
    }
    writeVarint(out, lists.length + 1);
    for (int[] list : lists) writeInts(out, list);
  }

  private static int[][] readNested(DataInputStream in) throws IOException {
    int n = readVarint(in);
    if (n == 0) return null;
    int[][] lists = new int[n - 1][];
    for (int i = 0; i < lists.length; i++) lists[i] = readInts(in);
    return lists;
  }

  private static void writeInts(DataOutputStream out, int[] values) throws IOException {
    writeVarint(out, values.length);
    for (int v : values) writeVarint(out, v);
  }

  private static int[] readInts(DataInputStream in) throws IOException {
    int[] values = new int[readVarint(in)];
    for (int i = 0; i < values.length; i++) values[i] = readVarint(in);
    return values;
  }

  private static void writeVarint(DataOutputStream out, int value) throws IOException {
    int v = value;
    while ((v & ~0x7f) != 0) {
      out.writeByte((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  private static int readVarint(DataInputStream in) throws IOException {
    int value = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) return value;
    }
  }
}
