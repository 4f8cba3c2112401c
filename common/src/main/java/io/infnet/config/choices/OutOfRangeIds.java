package io.infnet.config.choices;

/** model.out_of_range_ids: what an id outside its field's vocabulary does. */
public enum OutOfRangeIds implements Choice {
  ERROR, OOV;

  @Override
  public String toString() {
    return configName();
  }
}
