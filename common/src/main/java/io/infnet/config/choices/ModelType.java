package io.infnet.config.choices;

/** model.type: INFNet or one of its baselines (each has its network in the model module, Models). */
public enum ModelType implements Choice {
  INFNET, SHARED_BOTTOM, MMOE, PLE, DCNV2, FULL_ATTENTION;

  @Override
  public String toString() {
    return configName();
  }
}
