package io.infnet.config.choices;

/** model.sequence_pooling (baselines). */
public enum SequencePooling implements Choice {
  DIN, MEAN;

  @Override
  public String toString() {
    return configName();
  }
}
