package io.infnet.config.choices;

/** A split of the feature table (split column), or ALL rows. */
public enum Split implements Choice {
  TRAIN, VALID, TEST, ALL;

  @Override
  public String toString() {
    return configName();
  }
}
