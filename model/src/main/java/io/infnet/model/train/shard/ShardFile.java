package io.infnet.model.train.shard;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker's shard of every sharded table in a file: per table its stored row ids, weights and optimizer slots
 * ({@link EmbeddingShard.Contents}). Written by every worker of a checkpoint in parallel; read back by any number of
 * workers, each keeping the rows it owns. Streamed, so a shard larger than a Java array is never one array of bytes.
 */
public final class ShardFile {
  private static final int MAGIC = 0x494e5348; // "INSH"
  private static final int CHUNK = 1 << 16;

  private ShardFile() {}

  public static void write(Map<String, EmbeddingShard.Contents> tables, OutputStream target) throws IOException {
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(target, 1 << 16));
    out.writeInt(MAGIC);
    out.writeInt(tables.size());
    for (Map.Entry<String, EmbeddingShard.Contents> e : tables.entrySet()) {
      EmbeddingShard.Contents c = e.getValue();
      out.writeUTF(e.getKey());
      out.writeInt(c.ids().length);
      out.writeInt(c.slots().size());
      ByteBuffer ids = ByteBuffer.allocate(c.ids().length * 8);
      ids.asLongBuffer().put(c.ids());
      out.write(ids.array());
      writeFloats(out, c.weights());
      for (float[] slot : c.slots()) writeFloats(out, slot);
    }
    out.flush();
  }

  public static Map<String, EmbeddingShard.Contents> read(InputStream source, String where) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(source, 1 << 16));
    if (in.readInt() != MAGIC) throw new IOException(where + " is not an embedding shard file");
    int tables = in.readInt();
    Map<String, EmbeddingShard.Contents> out = new LinkedHashMap<>();
    for (int t = 0; t < tables; t++) {
      String name = in.readUTF();
      int rows = in.readInt();
      int slots = in.readInt();
      byte[] idBytes = new byte[rows * 8];
      in.readFully(idBytes);
      long[] ids = new long[rows];
      ByteBuffer.wrap(idBytes).asLongBuffer().get(ids);
      float[] weights = readFloats(in);
      List<float[]> state = new ArrayList<>(slots);
      for (int s = 0; s < slots; s++) state.add(readFloats(in));
      out.put(name, new EmbeddingShard.Contents(ids, weights, state));
    }
    return out;
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer buf = ByteBuffer.allocate(CHUNK * 4);
    for (int from = 0; from < values.length; from += CHUNK) {
      int n = Math.min(CHUNK, values.length - from);
      buf.clear();
      buf.asFloatBuffer().put(values, from, n);
      out.write(buf.array(), 0, n * 4);
    }
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    float[] values = new float[in.readInt()];
    byte[] bytes = new byte[CHUNK * 4];
    for (int from = 0; from < values.length; from += CHUNK) {
      int n = Math.min(CHUNK, values.length - from);
      in.readFully(bytes, 0, n * 4);
      ByteBuffer.wrap(bytes, 0, n * 4).asFloatBuffer().get(values, from, n);
    }
    return values;
  }
}
