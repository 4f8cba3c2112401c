package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * One forward pass: where parameter values come from, whether it trains (dropout on), an optional {@link Probe} that
 * records activation statistics (diagnostics; off in training and scoring), the {@link Autocast} precision policy its
 * matmul-heavy layers follow, and optional {@link TouchedRows}: embedding lookups then read per-step copies of the
 * touched rows (row-wise training), else null.
 */
public record Pass(ParameterStore store, boolean training, Probe probe, Autocast precision, TouchedRows rows) {
  public Pass(ParameterStore store, boolean training) {
    this(store, training, Probe.OFF, Autocast.FP32, null);
  }

  public Pass(ParameterStore store, boolean training, Probe probe) {
    this(store, training, probe, Autocast.FP32, null);
  }

  /** The fp32 master value of a parameter (layers cast it through {@link #precision()} where they compute). */
  public NDArray value(Parameter parameter) {
    return store.getValue(parameter, parameter.getArray().getDevice(), training);
  }

  /** The same pass with the probe's names prefixed by {@code scope} ("block_0"). */
  public Pass within(String scope) {
    return probe == Probe.OFF ? this : new Pass(store, training, probe.scoped(scope), precision, rows);
  }
}
