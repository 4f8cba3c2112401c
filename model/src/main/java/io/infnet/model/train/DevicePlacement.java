package io.infnet.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Asserts that training tensors sit on the training device, in fp32 (the trainer's check after a step): weights,
 * gradients and optimizer state are fp32 master copies whatever train.precision casts in the forward pass.
 */
record DevicePlacement(Device device) {
  void check(String what, NDArray array) {
    if (!device.equals(array.getDevice())) {
      throw new IllegalStateException(what + " is on " + array.getDevice() + ", the model trains on " + device);
    }
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalStateException(what + " is " + array.getDataType() + ", expected float32 (master copies stay fp32)");
    }
  }
}
