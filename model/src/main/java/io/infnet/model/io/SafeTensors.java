package io.infnet.model.io;

import io.infnet.config.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (F32 only), written and read without a library: 8-byte little-endian header length,
 * a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}} padded with
 * spaces to a multiple of 8, then the raw little-endian data in header order.
 */
public final class SafeTensors {
  private static final String METADATA = "__metadata__";
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
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", "F32");
      List<Object> shape = new ArrayList<>();
      for (long s : e.getValue().shape()) shape.add(s);
      info.put("shape", shape);
      info.put("data_offsets", List.of(offset, offset + bytes));
      header.put(e.getKey(), info);
      offset += bytes;
    }
    byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
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

  @SuppressWarnings("unchecked")
  public static Contents read(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) throw new IllegalArgumentException("not a safetensors file: " + bytes.length + " bytes");
    long headerLength = in.getLong();
    if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
      throw new IllegalArgumentException("not a safetensors file: header length " + headerLength + " of a " + bytes.length + "-byte file");
    }
    String json = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8).strip();
    Object parsed;
    try {
      parsed = Json.parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("safetensors header is not JSON: " + e.getMessage(), e);
    }
    if (!(parsed instanceof Map<?, ?> header)) throw new IllegalArgumentException("safetensors header is not a JSON object");
    int dataStart = 8 + (int) headerLength;
    long dataLength = bytes.length - dataStart;
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : header.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (METADATA.equals(name)) {
        ((Map<Object, Object>) e.getValue()).forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
        continue;
      }
      tensors.put(name, readTensor(name, (Map<String, Object>) e.getValue(), in, dataStart, dataLength));
    }
    return new Contents(tensors, metadata);
  }

  @SuppressWarnings("unchecked")
  private static Tensor readTensor(String name, Map<String, Object> info, ByteBuffer in, int dataStart, long dataLength) {
    if (!"F32".equals(info.get("dtype"))) throw new IllegalArgumentException("tensor " + name + ": dtype " + info.get("dtype") + ", only F32 is supported");
    List<Object> shapeList = (List<Object>) info.get("shape");
    List<Object> offsets = (List<Object>) info.get("data_offsets");
    long[] shape = shapeList.stream().mapToLong(o -> ((Number) o).longValue()).toArray();
    long begin = ((Number) offsets.get(0)).longValue();
    long end = ((Number) offsets.get(1)).longValue();
    long count = 1;
    for (long s : shape) count *= s;
    if (begin < 0 || end > dataLength || end - begin != 4 * count) {
      throw new IllegalArgumentException("tensor " + name + ": data_offsets [" + begin + ", " + end + "] do not fit shape "
          + Arrays.toString(shape) + " in " + dataLength + " data bytes");
    }
    float[] values = new float[Math.toIntExact(count)];
    in.position(Math.toIntExact(dataStart + begin));
    in.asFloatBuffer().get(values);
    return new Tensor(shape, values);
  }
}
