package io.infnet.jobs.dist;

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

  Report report() {
    return new Report(Math.max(0, seen - WARMUP_STEPS), computeNanos / 1e9, communicationNanos / 1e9, bytesSent);
  }

  /** Worker 0's step time over the timed steps (the warm-up steps left out). */
  record Report(long timedSteps, double computeSeconds, double communicationSeconds, long bytesSent) {}
}
