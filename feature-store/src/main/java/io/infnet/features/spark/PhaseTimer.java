package io.infnet.features.spark;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the wall-clock time of each phase of a job (INFO): where a slow build spends its time. */
public final class PhaseTimer {
  private final Logger log;
  private final String job;
  private long last = System.nanoTime();

  public PhaseTimer(Class<?> owner, String job) {
    this.log = LoggerFactory.getLogger(owner);
    this.job = job;
  }

  /** Logs the time since the previous lap (or creation) under {@code phase}. */
  public void lap(String phase) {
    long now = System.nanoTime();
    log.info("{}: {} took {} s", job, phase, String.format("%.1f", (now - last) / 1e9));
    last = now;
  }
}
