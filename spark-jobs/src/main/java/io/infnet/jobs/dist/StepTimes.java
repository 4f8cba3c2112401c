package io.infnet.jobs.dist;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a worker's step time goes: compute (forward, backward, update) against communication (the gradient
 * exchange, including waiting for the slowest peer: that wait is what synchronous training costs). The first
 * steps of a stage attempt are left out: they pay for lazy initialisation (libtorch kernels, connections).
 */
final class StepTimes {
  static final int WARMUP_STEPS = 2;
  private long seen;
  private long computeNanos;
  private long communicationNanos;
  private long bytesAtWarmupEnd;
  private long bytesSent;

  void add(long compute, long communication, long bytesSentSoFar) {
    seen++;
    if (seen <= WARMUP_STEPS) {
      bytesAtWarmupEnd = bytesSentSoFar;
      return;
    }
    computeNanos += compute;
    communicationNanos += communication;
    bytesSent = bytesSentSoFar - bytesAtWarmupEnd;
  }

  Map<String, Object> report() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("timed_steps", Math.max(0, seen - WARMUP_STEPS));
    r.put("compute_seconds", computeNanos / 1e9);
    r.put("communication_seconds", communicationNanos / 1e9);
    r.put("bytes_sent", bytesSent);
    return r;
  }
}
