package io.infnet.jobs.dist;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Length-prefixed arrays on the workers' sockets, one bulk copy each (a DataOutputStream writes element by element). */
final class Wire {
  private Wire() {}

  static void writeFloats(DataOutputStream out, float[] values, int from, int to) throws IOException {
    out.writeInt(to - from);
    ByteBuffer buf = ByteBuffer.allocate((to - from) * 4);
    buf.asFloatBuffer().put(values, from, to - from);
    out.write(buf.array());
  }

  static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    byte[] bytes = new byte[n * 4];
    in.readFully(bytes);
    float[] out = new float[n];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(out);
    return out;
  }

  static void writeLongs(DataOutputStream out, long[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer buf = ByteBuffer.allocate(values.length * 8);
    buf.asLongBuffer().put(values);
    out.write(buf.array());
  }

  static long[] readLongs(DataInputStream in) throws IOException {
    int n = in.readInt();
    byte[] bytes = new byte[n * 8];
    in.readFully(bytes);
    long[] out = new long[n];
    ByteBuffer.wrap(bytes).asLongBuffer().get(out);
    return out;
  }
}
