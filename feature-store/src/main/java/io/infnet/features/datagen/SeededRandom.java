package io.infnet.features.datagen;

import java.util.SplittableRandom;

/**
 * Random streams keyed by (seed, purpose, id): every user, video, tag and author draws from its own
 * stream, so the generated tables depend on the seed only, never on partitioning or execution order.
 */
final class SeededRandom {
  static final long USER = 1, VIDEO = 2, TAG = 3, AUTHOR = 4, USER_LOG = 5, USER_FEATURES = 6;

  private SeededRandom() {}

  static SplittableRandom of(long seed, long purpose, long id) {
    return new SplittableRandom(mix(mix(seed ^ 0x9E3779B97F4A7C15L * purpose) + id));
  }

  /** Stafford's mix13 (SplitMix64 finaliser): neighbouring keys give unrelated streams. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A unit vector of {@code dim} Gaussian components. */
  static float[] unitVector(SplittableRandom rng, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) v[i] = (float) rng.nextGaussian();
    return normalised(v);
  }

  static float[] normalised(float[] v) {
    double norm = 0;
    for (float x : v) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm == 0) return v;
    for (int i = 0; i < v.length; i++) v[i] /= (float) norm;
    return v;
  }

  /** Poisson draw: exact inversion for small means, the normal approximation above 30. */
  static int poisson(SplittableRandom rng, double mean) {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * rng.nextGaussian()));
    double limit = Math.exp(-mean), product = rng.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= rng.nextDouble();
      k++;
    }
    return k;
  }

  /** exp(sigma * N(0,1) - sigma^2 / 2): a multiplicative spread with mean 1. */
  static double lognormalMeanOne(SplittableRandom rng, double sigma) {
    return Math.exp(sigma * rng.nextGaussian() - sigma * sigma / 2);
  }

  /** Index drawn from non-negative {@code weights}. */
  static int weighted(SplittableRandom rng, double... weights) {
    double total = 0;
    for (double w : weights) total += w;
    double r = rng.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}
