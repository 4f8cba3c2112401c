package io.infnet.config.choices;

/** model.seq_proxy_pool: how a behaviour's events pool into its initial sequence proxy. */
public enum SeqProxyPool implements Choice {
  MEAN, SUM;

  @Override
  public String toString() {
    return configName();
  }
}
