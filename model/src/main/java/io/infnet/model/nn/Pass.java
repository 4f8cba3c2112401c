package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/** One forward pass: where parameter values come from, and whether it trains (dropout on). */
public record Pass(ParameterStore store, boolean training) {
  public NDArray value(Parameter parameter) {
    return store.getValue(parameter, parameter.getArray().getDevice(), training);
  }
}
