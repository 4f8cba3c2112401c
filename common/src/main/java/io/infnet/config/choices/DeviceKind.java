package io.infnet.config.choices;

/** train.device. */
public enum DeviceKind implements Choice {
  CPU, GPU;

  @Override
  public String toString() {
    return configName();
  }
}
