package io.infnet.config.choices;

/** train.lr_schedule: the learning rate after warmup. */
public enum LrSchedule implements Choice {
  COSINE, CONSTANT;

  @Override
  public String toString() {
    return configName();
  }
}
