package io.infnet.model.train;

/** Which parameters weight decay applies to: every one but biases and LayerNorm gains (on the device and in shards). */
public final class WeightDecay {
  private WeightDecay() {}

  public static boolean appliesTo(String parameter) {
    return !(parameter.endsWith("bias") || parameter.endsWith("gain"));
  }
}
