package io.infnet.model.io;

import io.infnet.json.Jsons;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (F32 only), written and read without a library: 8-byte little-endian header length,
 * a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}} padded with
 * spaces to a multiple of 8, then the raw little-endian data in header order.
 */
public final class SafeTensors {
  private static final String METADATA = "__metadata__";
  private static final String F32 = "F32";
  private static final long MAX_HEADER = 100L << 20;

  private SafeTensors() {}

  /** A float32 tensor: shape and row-major values. */
  public record Tensor(long[] shape, float[] values) {
    public Tensor {
      long n = 1;
      for (long s : shape) n *= s;
      if (n != values.length) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
    }
  }

  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** Every tensor's values by name, in file order. */
    public Map<String, float[]> values() {
      Map<String, float[]> out = new LinkedHashMap<>();
      tensors.forEach((name, t) -> out.put(name, t.values()));
      return out;
    }
  }

  public static byte[] write(Map<String, Tensor> tensors, Map<String, String> metadata) {
    Map<String, Object> header = new LinkedHashMap<>();
    if (!metadata.isEmpty()) header.put(METADATA, new LinkedHashMap<>(metadata));
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      long bytes = 4L * e.getValue().values().length;
      header.put(e.getKey(), new TensorHeader(F32, e.getValue().shape(), new long[] {offset, offset + bytes}));
      offset += bytes;
    }
    byte[] json = Jsons.write(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded);
    out.put(json);
    for (int i = json.length; i < padded; i++) out.put((byte) ' ');
    // asFloatBuffer() views the parent from its position without advancing it: place each tensor by hand
    int position = 8 + padded;
    for (Tensor t : tensors.values()) {
      out.position(position);
      out.asFloatBuffer().put(t.values());
      position += 4 * t.values().length;
    }
    return out.array();
  }

  /**
   * Reads a file that may be truncated, corrupted or hostile: anything but a well-formed F32 file is refused with an
   * {@link IllegalArgumentException} (bounds and overflow checked before any allocation or read; the tensors must tile
   * the data section without gaps or overlaps, as the format requires). {@code SafeTensorsFuzzTest} holds it to that.
   */
  public static Contents read(byte[] bytes) {
    if (bytes.length < 8) throw new IllegalArgumentException("not a safetensors file: " + bytes.length + " bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = in.getLong();
    if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > bytes.length - 8) {
      throw new IllegalArgumentException("not a safetensors file: header length " + headerLength + " of a " + bytes.length + "-byte file");
    }
    String json = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8).strip();
    Map<String, Object> header = Jsons.readMap(json, Object.class, "safetensors header");
    if (header == null) throw new IllegalArgumentException("safetensors header: null, not an object");
    int dataStart = 8 + (int) headerLength;
    long dataLength = bytes.length - dataStart;
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    long covered = 0; // tensors in header order must tile [0, dataLength): the writer lays them out that way
    for (Map.Entry<String, Object> e : header.entrySet()) {
      if (METADATA.equals(e.getKey())) {
        if (!(e.getValue() instanceof Map<?, ?> m)) throw new IllegalArgumentException("safetensors header: __metadata__ is not an object");
        m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
      } else {
        TensorHeader info = Jsons.fromPlain(e.getValue(), TensorHeader.class, "safetensors header of tensor " + e.getKey());
        tensors.put(e.getKey(), readTensor(e.getKey(), info, in, dataStart, covered, dataLength));
        covered = info.dataOffsets()[1];
      }
    }
    if (covered != dataLength) {
      throw new IllegalArgumentException("safetensors file: the tensors cover " + covered + " of " + dataLength + " data bytes");
    }
    return new Contents(tensors, metadata);
  }

  /** One tensor's header entry; snake_case gives the format's {@code data_offsets}. */
  record TensorHeader(String dtype, long[] shape, long[] dataOffsets) {}

  private static Tensor readTensor(String name, TensorHeader info, ByteBuffer in, int dataStart, long expectedBegin, long dataLength) {
    if (!F32.equals(info.dtype())) throw new IllegalArgumentException("tensor " + name + ": dtype " + info.dtype() + ", only F32 is supported");
    if (info.shape() == null || info.dataOffsets() == null || info.dataOffsets().length != 2) {
      throw new IllegalArgumentException("tensor " + name + ": the header needs shape and two data_offsets");
    }
    long[] shape = info.shape();
    long begin = info.dataOffsets()[0];
    long end = info.dataOffsets()[1];
    long count = elementCount(name, shape, dataLength);
    if (begin != expectedBegin || end > dataLength || end - begin != 4 * count) {
      throw new IllegalArgumentException("tensor " + name + ": data_offsets [" + begin + ", " + end + "] do not fit shape "
          + Arrays.toString(shape) + " at byte " + expectedBegin + " of " + dataLength + " data bytes");
    }
    float[] values = new float[(int) count];
    in.position(Math.toIntExact(dataStart + begin));
    in.asFloatBuffer().get(values);
    return new Tensor(shape, values);
  }

  /** The number of values of {@code shape}, refused if a dimension is negative or the values cannot fit the data. */
  private static long elementCount(String name, long[] shape, long dataLength) {
    long count = 1;
    for (long s : shape) {
      if (s < 0) throw new IllegalArgumentException("tensor " + name + ": negative dimension in shape " + Arrays.toString(shape));
      if (s != 0 && count > dataLength / 4 / s) {
        throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds more values than "
            + dataLength + " data bytes");
      }
      count *= s;
    }
    return count;
  }
}
