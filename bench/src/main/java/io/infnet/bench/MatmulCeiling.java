package io.infnet.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * The fp32 matmul ceiling through libtorch on the default device: n×n products, best of several trials, in GFLOP/s.
 * Each trial ends by reading a value of its last product, so a GPU's queued kernels are timed, not their launch.
 */
final class MatmulCeiling {
  private MatmulCeiling() {}

  static double gflops(int n, int trials, int productsPerTrial) {
    try (NDManager manager = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
      NDArray a = manager.randomUniform(-1f, 1f, new Shape(n, n));
      NDArray b = manager.randomUniform(-1f, 1f, new Shape(n, n));
      multiply(a, b, 2); // warm-up: thread pool and kernel selection
      double best = Double.MAX_VALUE;
      for (int t = 0; t < trials; t++) {
        long start = System.nanoTime();
        multiply(a, b, productsPerTrial);
        best = Math.min(best, (System.nanoTime() - start) / 1e9);
      }
      return 2.0 * n * n * n * productsPerTrial / best / 1e9;
    }
  }

  private static void multiply(NDArray a, NDArray b, int times) {
    for (int i = 0; i < times; i++) {
      try (NDScope product = new NDScope()) {
        NDArray c = a.matMul(b);
        if (i == times - 1) c.get(0, 0).getFloat(); // waits for the device
      }
    }
  }
}
