package io.infnet.config.choices;

/** train.optimizer. */
public enum OptimizerKind implements Choice {
  ADAM, ADAMW, ADAGRAD;

  @Override
  public String toString() {
    return configName();
  }
}
