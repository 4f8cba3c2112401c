package io.infnet.config.choices;

/** model.pgu_proxies: which proxies gate a block's PGU. */
public enum PguProxies implements Choice {
  UPDATED, INPUT;

  @Override
  public String toString() {
    return configName();
  }
}
