package io.infnet.model.nn;

import java.nio.charset.StandardCharsets;

/**
 * A tiny seeded generator whose whole state is one long: the same seed gives the same numbers on every JVM,
 * and seeding per parameter name keeps a parameter's initial values independent of which other parts exist.
 */
public final class SplitMix64 {
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** A stream for one named purpose under a run seed, e.g. (seed, "blocks.0.pgu_cat.hidden.weight"). */
  public static SplitMix64 forName(long seed, String name) {
    long h = 0xcbf29ce484222325L; // FNV-1a
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
    return new SplitMix64(mix(seed ^ h));
  }

  /** A well-mixed value of (a, b): per-step seeds of dropout. */
  public static long mix(long a, long b) {
    return mix(a * 0x9E3779B97F4A7C15L + b);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }
}
