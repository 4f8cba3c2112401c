package io.infnet.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

/** Asserts that training tensors sit on the training device (the trainer's check after a step). */
record DevicePlacement(Device device) {
  void check(String what, NDArray array) {
    if (!device.equals(array.getDevice())) {
      throw new IllegalStateException(what + " is on " + array.getDevice() + ", the model trains on " + device);
    }
  }
}
