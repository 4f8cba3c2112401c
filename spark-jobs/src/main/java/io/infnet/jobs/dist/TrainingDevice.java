package io.infnet.jobs.dist;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.infnet.config.choices.DeviceKind;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device a worker trains on (train.device). With gpu, a worker takes the GPU Spark assigned to its task
 * ({@code spark.task.resource.gpu.amount=1} with a discovery script on the cluster), else GPU 0; a JVM whose
 * libtorch sees no GPU (a CPU native library, or no CUDA device) fails before any step, naming what it saw.
 */
final class TrainingDevice {
  private TrainingDevice() {}

  static Device of(DeviceKind configured, TaskContext task) {
    if (configured == DeviceKind.CPU) return Device.cpu();
    int visible = Engine.getInstance().getGpuCount();
    String executor = SparkEnv.get() == null ? "(no Spark)" : SparkEnv.get().executorId();
    if (visible == 0) {
      throw new IllegalStateException("train.device=gpu, but executor " + executor + " sees no GPU (libtorch "
          + Engine.getInstance().getVersion() + " found 0 CUDA devices): run on GPU nodes with a CUDA libtorch "
          + "(build with -Pcuda, see README), or use train.device=cpu");
    }
    ResourceInformation assigned = task == null ? null : task.resources().get("gpu").getOrElse(() -> null);
    int index = assigned == null || assigned.addresses().length == 0 ? 0 : Integer.parseInt(assigned.addresses()[0]);
    if (index >= visible) {
      throw new IllegalStateException("train.device=gpu: Spark assigned GPU " + index + " to executor " + executor
          + ", but libtorch sees only " + visible + " GPU(s)");
    }
    return Device.gpu(index);
  }
}
