package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.infnet.config.choices.Precision;

/**
 * The precision policy every layer of a forward pass consults (train.precision), in the manner of PyTorch's autocast:
 * the matmul-heavy ops (linear layers, attention score and value products, towers) cast their operands to the
 * compute type and return it; LayerNorm, softmax and the loss read fp32 ({@link #full}). Weights stay fp32: the cast
 * is a node of the autograd graph, so their gradients (and the optimizer) stay fp32 too. FP32 casts nothing.
 */
public enum Autocast {
  FP32(DataType.FLOAT32),
  BF16(DataType.BFLOAT16),
  FP16(DataType.FLOAT16);

  /**
   * Set (-D, to true) where DJL's PyTorch JNI library was built with bfloat16 in its dtype table (the GPU bench
   * patches and rebuilds it: bench/model-throughput-gpu/run-on-device.sh). DJL 0.36.0's own library maps dtypes
   * 0–8 only and answers any other with a bare C++ {@code throw;}: the JVM aborts ("terminate called without an
   * active exception") instead of raising an exception, so bf16 must be refused before the first cast.
   */
  public static final String JNI_BFLOAT16_PROPERTY = "infnet.jni.bfloat16";

  /**
   * Set (-D, to true) where the JNI library's cast (torchTo) runs outside a NoGradGuard, so that {@code toType} is a
   * node of the autograd graph (the GPU bench's rebuilt library). Without it casts take a slower path, below.
   */
  public static final String JNI_GRAD_CAST_PROPERTY = "infnet.jni.grad_cast";

  private final DataType compute;

  Autocast(DataType compute) {
    this.compute = compute;
  }

  public static Autocast of(Precision precision) {
    return switch (precision) {
      case FP32 -> FP32;
      case FP16 -> FP16;
      case BF16 -> {
        if (!Boolean.getBoolean(JNI_BFLOAT16_PROPERTY)) {
          throw new IllegalStateException("train.precision=bf16: this PyTorch JNI library (DJL 0.36.0) cannot cast to "
              + "bfloat16 (it would abort the JVM); use train.precision=fp16, or a JNI library built with bfloat16 and -D"
              + JNI_BFLOAT16_PROPERTY + "=true (docs/MODEL.md, \"Mixed precision\")");
        }
        yield BF16;
      }
    };
  }

  /** x Wᵀ + b (W as PyTorch's Linear: (out, in)) in the compute type. */
  public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    NDArray in = compute(x);
    return in.getNDArrayInternal().linear(in, compute(weight), compute(bias)).singletonOrThrow();
  }

  /** a · b in the compute type. */
  public NDArray matMul(NDArray a, NDArray b) {
    return compute(a).matMul(compute(b));
  }

  /** x as fp32, for the ops that need the range or the precision: LayerNorm, softmax, loss, predictions. */
  public NDArray full(NDArray x) {
    return this == FP32 || x.getDataType() == DataType.FLOAT32 ? x : castKeepingGradient(x, DataType.FLOAT32);
  }

  private NDArray compute(NDArray x) {
    return this == FP32 || x.getDataType() == compute ? x : castKeepingGradient(x, compute);
  }

  /**
   * x in {@code type}, on autograd's path. Stock DJL's JNI casts ({@code toType}) under a NoGradGuard, so the cast copy
   * has no gradient path back (the weights and embeddings behind it stopped learning; MixedPrecisionTest caught it).
   * There a cumulative product over a new axis of length 1 is the cast: the identity, with a dtype argument autograd
   * sees — but slow (on the H200 it made a bf16 step ~100x slower than fp32), so a JNI library patched to cast on
   * the graph ({@link #JNI_GRAD_CAST_PROPERTY}) uses {@code toType}.
   */
  private static NDArray castKeepingGradient(NDArray x, DataType type) {
    if (GRAD_CAST) return x.toType(type, false);
    return x.expandDims(-1).cumProd(-1, type).squeeze(-1);
  }

  private static final boolean GRAD_CAST = Boolean.getBoolean(JNI_GRAD_CAST_PROPERTY);
}
