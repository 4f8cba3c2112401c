package io.infnet.model.train.shard;

import io.infnet.config.choices.OptimizerKind;
import java.util.List;

/**
 * The trainer's optimizer ({@code io.infnet.model.train.Optimizer}) on one row at a time in Java: the same formulas, in
 * float32, in the order and roundings of the native ops it runs, so a shard's rows follow the libtorch table's. Adam and
 * AdamW are DJL's {@code adamUpdate} kernel: its {@code add_(w, decay)} and {@code add_(g, 1-β1)} are fused multiply-adds
 * on the vectorized path (hence {@link Math#fma}), its {@code addcmul_} a fused {@code v·β2 + ((1-β2)·g)·g}. Adagrad is
 * Optimizer's chain of NDArray ops, each rounded to float. Measured against libtorch 2.7.1 on CPU: the slots are
 * bit-identical, a weight now and then an ulp off (libtorch's CPU sqrt is not always correctly rounded). Lazy, as
 * there: only the rows given move.
 */
final class RowOptimizer {
  private static final double BETA1 = 0.9; // bias corrections: in double, as Optimizer computes them
  private static final double BETA2 = 0.999;
  private static final float BETA1_FLOAT = (float) BETA1; // the kernel's jfloat arguments
  private static final float BETA2_FLOAT = (float) BETA2;
  private static final double ADAM_EPSILON = 1e-8;
  private static final float ADAGRAD_EPSILON = 1e-10f;
  private final OptimizerKind kind;
  private final float decay;

  /** {@code decay}: the weight decay this table gets (0 for biases and gains, as Optimizer decides by name). */
  RowOptimizer(OptimizerKind kind, double decay) {
    this.kind = kind;
    this.decay = (float) decay;
  }

  /** The state slots of a row, named as Optimizer's state keys ("m/<parameter>"): Adam's m, v; Adagrad's sum. */
  List<String> slotNames() {
    return kind == OptimizerKind.ADAGRAD ? List.of("sum") : List.of("m", "v");
  }

  /** The float constants of one step: the effective gradient is gradient × scale; {@code step} is 1-based. */
  Step step(double scale, double lr, long step) {
    return switch (kind) {
      case ADAM, ADAMW -> {
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        yield new AdamStep((float) scale, (float) lr, (float) (lr * Math.sqrt(correction2) / correction1),
            (float) (ADAM_EPSILON * Math.sqrt(correction2)), decay, kind == OptimizerKind.ADAMW);
      }
      case ADAGRAD -> new AdagradStep((float) scale, (float) lr, decay);
    };
  }

  /** Updates one row in place: weights at {@code w[at..at+width)}, its slots at the same offset, its gradient at gAt. */
  interface Step {
    void apply(float[] w, float[] first, float[] second, int at, float[] g, int gAt, int width);
  }

  private record AdamStep(float scale, float lr, float lrCorrected, float epsilon, float decay, boolean decoupled) implements Step {
    @Override
    public void apply(float[] w, float[] m, float[] v, int at, float[] g, int gAt, int width) {
      for (int i = 0; i < width; i++) {
        float grad = g[gAt + i] * scale;
        float weight = w[at + i];
        if (decoupled) weight -= weight * lr * decay; // w -= lr·decay·w before the step
        else grad = Math.fma(weight, decay, grad);    // L2: g += decay·w
        float mean = Math.fma(grad, 1 - BETA1_FLOAT, m[at + i] * BETA1_FLOAT);
        float variance = Math.fma((1 - BETA2_FLOAT) * grad, grad, v[at + i] * BETA2_FLOAT);
        m[at + i] = mean;
        v[at + i] = variance;
        w[at + i] = weight - mean * lrCorrected / ((float) Math.sqrt(variance) + epsilon);
      }
    }
  }

  private record AdagradStep(float scale, float lr, float decay) implements Step {
    @Override
    public void apply(float[] w, float[] sum, float[] unused, int at, float[] g, int gAt, int width) {
      for (int i = 0; i < width; i++) {
        float grad = g[gAt + i] * scale;
        if (decay != 0) grad += w[at + i] * decay;
        float total = sum[at + i] + grad * grad;
        sum[at + i] = total;
        w[at + i] -= grad * lr / ((float) Math.sqrt(total) + ADAGRAD_EPSILON);
      }
    }
  }
}
