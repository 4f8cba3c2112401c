package io.infnet.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 5: a truncated, corrupted or hostile weights file is refused with an {@link IllegalArgumentException},
 * never an out-of-bounds read, an overflowed allocation or any other exception. Seeded, so a failure reproduces.
 */
class SafeTensorsFuzzTest {
  private static final byte[] VALID = SafeTensors.write(tensors(), Map.of("format", "pt"));

  private static Map<String, SafeTensors.Tensor> tensors() {
    Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
    t.put("embedding", new SafeTensors.Tensor(new long[] {3, 4}, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    t.put("bias", new SafeTensors.Tensor(new long[] {2}, new float[] {-1f, 0.5f}));
    return t;
  }

  @Test
  void theValidFileReadsBack() {
    SafeTensors.Contents c = SafeTensors.read(VALID);
    assertArrayEquals(new float[] {-1f, 0.5f}, c.tensors().get("bias").values());
    assertEquals(Map.of("format", "pt"), c.metadata());
  }

  @Test
  void everyTruncationIsRefused() {
    for (int length = 0; length < VALID.length; length++) refusedOrRead(Arrays.copyOf(VALID, length), "truncated to " + length);
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(Arrays.copyOf(VALID, VALID.length - 4)));
  }

  @Test
  void randomBytesAndRandomHeaderLengthsAreRefused() {
    Random random = new Random(20261203);
    for (int i = 0; i < 5_000; i++) {
      byte[] junk = new byte[random.nextInt(600)];
      random.nextBytes(junk);
      if (junk.length >= 8 && random.nextBoolean()) {
        ByteBuffer.wrap(junk).order(ByteOrder.LITTLE_ENDIAN).putLong(0, random.nextInt(junk.length)); // a plausible length
      }
      refusedOrRead(junk, "random file " + i);
    }
  }

  @Test
  void randomByteFlipsEitherReadOrAreRefused() {
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      byte[] mutated = VALID.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
      refusedOrRead(mutated, "mutation " + i);
    }
  }

  @Test
  void hostileHeadersAreRefusedNamingTheProblem() {
    Map<String, String> hostile = new LinkedHashMap<>();
    hostile.put("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2,-2],\"data_offsets\":[0,16]}}", "negative dimension");
    hostile.put("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}", "holds more values");
    hostile.put("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,1000000]}}", "do not fit");
    hostile.put("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        "do not fit"); // overlapping
    hostile.put("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", "do not fit"); // a gap before it
    hostile.put("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "cover 8 of 16"); // trailing bytes
    hostile.put("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", "only F32");
    hostile.put("{\"__metadata__\":[1,2]}", "__metadata__ is not an object");
    hostile.put("null", "not an object");
    hostile.put("[1,2,3]", "not a JSON object");
    hostile.put("[".repeat(5_000), "not a JSON object");
    for (Map.Entry<String, String> h : hostile.entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(file(h.getKey(), 16)), h.getKey());
      assertTrue(e.getMessage().contains(h.getValue()), h.getKey().substring(0, Math.min(60, h.getKey().length())) + " → " + e.getMessage());
    }
  }

  /** A header followed by {@code dataBytes} zero bytes. */
  private static byte[] file(String header, int dataBytes) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    return b.array();
  }

  private static void refusedOrRead(byte[] bytes, String what) {
    try {
      SafeTensors.Contents c = SafeTensors.read(bytes);
      for (SafeTensors.Tensor t : c.tensors().values()) assertTrue(t.values().length <= bytes.length / 4, what);
    } catch (IllegalArgumentException expected) {
      // refused: the one allowed failure
    } catch (Throwable other) {
      fail(what + ": " + other.getClass().getName() + " instead of a refusal: " + other.getMessage() + " " + List.of(other.getStackTrace()).subList(0, 3));
    }
  }
}
