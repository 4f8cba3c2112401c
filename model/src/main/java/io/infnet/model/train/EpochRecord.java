package io.infnet.model.train;

import java.util.Map;

/** What one epoch did: steps, mean train loss, throughput and validation metrics per task. */
public record EpochRecord(int epoch, long steps, double trainLoss, double samplesPerSecond,
                          Map<String, Double> validAuc, Map<String, Double> validLogloss) {
  public EpochRecord {
    validAuc = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(validAuc));
    validLogloss = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(validLogloss));
  }
}
