package io.infnet.model.nn;

/** How a parameter's initial values are drawn: from a {@link SplitMix64} stream seeded per parameter name. */
@FunctionalInterface
public interface Init {
  float[] sample(int size, SplitMix64 random);

  static Init zeros() {
    return (size, random) -> new float[size];
  }

  static Init ones() {
    return (size, random) -> {
      float[] v = new float[size];
      java.util.Arrays.fill(v, 1f);
      return v;
    };
  }

  /** Glorot uniform: keeps activation variance roughly constant through a Linear layer. */
  static Init xavier(long fanIn, long fanOut) {
    return uniform(Math.sqrt(6.0 / (fanIn + fanOut)));
  }

  /** Small uniform values of the given standard deviation: embeddings and learnable tokens. */
  static Init scaled(double std) {
    return uniform(std * Math.sqrt(3.0));
  }

  private static Init uniform(double bound) {
    return (size, random) -> {
      float[] v = new float[size];
      for (int i = 0; i < size; i++) v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
      return v;
    };
  }
}
