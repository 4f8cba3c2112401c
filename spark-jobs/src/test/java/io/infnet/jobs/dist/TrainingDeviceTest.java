package io.infnet.jobs.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.infnet.config.choices.DeviceKind;
import org.junit.jupiter.api.Test;

class TrainingDeviceTest {
  @Test
  void cpuIsTheCpu() {
    assertEquals(Device.cpu(), TrainingDevice.of(DeviceKind.CPU, null));
  }

  @Test
  void gpuWithoutAVisibleGpuFailsNamingWhatWasSeen() {
    if (Engine.getInstance().getGpuCount() > 0) {
      assertEquals(Device.gpu(0), TrainingDevice.of(DeviceKind.GPU, null));
      return;
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainingDevice.of(DeviceKind.GPU, null));
    assertTrue(e.getMessage().contains("sees no GPU") && e.getMessage().contains("found 0 CUDA devices")
        && e.getMessage().contains("train.device=cpu"), e.getMessage());
  }
}
