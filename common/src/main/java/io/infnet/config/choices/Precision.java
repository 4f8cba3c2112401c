package io.infnet.config.choices;

/** train.precision: the number format of the matmul-heavy parts of a training step. */
public enum Precision implements Choice {
  FP32, BF16, FP16;

  @Override
  public String toString() {
    return configName();
  }
}
