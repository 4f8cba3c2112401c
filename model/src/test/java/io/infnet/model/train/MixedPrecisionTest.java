package io.infnet.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import io.infnet.model.nn.Autocast;
import io.infnet.model.nn.ModelInputs;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * train.precision (issue 13, item 3): matmul-heavy parts in a 16-bit type, fp32 master weights, loss and predictions.
 * Run here with fp16: the CPU build's PyTorch JNI library (DJL 0.36.0) has no bfloat16 (it aborts the JVM on the
 * cast), and both go through the same {@link Autocast} code; bf16 itself runs in the GPU bench with a rebuilt JNI
 * library. bf16 keeps 8 significant bits, fp16 11: the tolerances below hold for either.
 */
class MixedPrecisionTest {
  /** Relative error ≤ 2^-8 per cast: probabilities move by well under 0.03. */
  private static final double PROBABILITY_TOLERANCE = 0.03;

  @ParameterizedTest
  @ValueSource(strings = {"infnet", "shared_bottom", "mmoe", "ple", "dcnv2", "full_attention"})
  void halfPrecisionForwardStaysCloseToFp32WithTheSameWeights(String type) {
    ModelSpec spec = Synthetic.spec("model.type=" + type);
    Batch batch = Synthetic.batch(spec.schema(), 64, new Random(5));
    try (NetworkModel model = (NetworkModel) Models.create(spec, 3)) {
      float[][] fp32 = model.predict(batch);
      float[][] half = model.predict(batch, Autocast.FP16);
      double maxDiff = 0;
      for (int r = 0; r < fp32.length; r++) {
        for (int k = 0; k < fp32[r].length; k++) maxDiff = Math.max(maxDiff, Math.abs(fp32[r][k] - half[r][k]));
      }
      assertTrue(maxDiff < PROBABILITY_TOLERANCE, type + ": fp16 predictions differ from fp32 by " + maxDiff);
      assertTrue(maxDiff > 0, type + ": fp16 gave exactly the fp32 predictions: nothing was computed in 16 bits");
      try (NDScope ignored = new NDScope()) {
        NDArray logits = model.logits(ModelInputs.of(model.manager(), batch), false, Autocast.FP16);
        assertEquals(DataType.FLOAT32, logits.getDataType(), "logits (and so loss and predictions) are fp32");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"infnet", "mmoe"})
  void halfPrecisionTrainingReducesTheLossWithFp32MasterWeightsGradientsAndOptimizerState(String type) {
    ModelSpec spec = Synthetic.spec("model.type=" + type);
    List<Batch> train = TrainerTest.batches(spec, 10, 128, 31);
    double[] half = epochLosses(spec, train, "fp16");
    double[] fp32 = epochLosses(spec, train, "fp32");
    assertTrue(half[half.length - 1] < half[0] * 0.9, type + ": fp16 epoch loss " + half[0] + " -> " + half[half.length - 1]);
    assertNotEquals(fp32[0], half[0], type + ": fp16 training took the fp32 path");
    double last = half[half.length - 1];
    double lastFp32 = fp32[fp32.length - 1];
    assertTrue(Math.abs(last - lastFp32) < 0.05 * lastFp32, type + ": fp16 ends at " + last + ", fp32 at " + lastFp32);
  }

  /** Summed training loss per epoch; after the run every weight, gradient and optimizer tensor must still be fp32. */
  private static double[] epochLosses(ModelSpec spec, List<Batch> train, String precision) {
    double[] epochs = new double[4];
    try (NetworkModel model = (NetworkModel) Models.create(spec, 9);
         Trainer trainer = new Trainer(model, TrainerTest.options("train.precision=" + precision, "train.learning_rate=0.02"))) {
      for (int e = 0; e < epochs.length; e++) for (Batch b : train) epochs[e] += trainer.step(b).loss();
      trainer.computeGradients(train.get(0)); // a live gradient buffer for the check
      // Every linear weight sits behind a cast, and every embedding table before one: each must get a gradient.
      model.parameters().forEach((name, p) -> {
        if (name.endsWith(".weight") || name.endsWith("hidden_weight") || p.rowSparse()) {
          assertTrue(norm(trainer.gradients().get(name).dense()) > 0, precision + ": no gradient reached " + name);
        }
      });
      trainer.checkDevicePlacement();         // throws on any tensor that is not fp32 on the model's device
    }
    return epochs;
  }

  private static double norm(float[] values) {
    double sum = 0;
    for (float v : values) sum += (double) v * v;
    return Math.sqrt(sum);
  }

  @Test
  void bf16IsRefusedBeforeAnyStepWhenTheJniLibraryHasNoBfloat16() {
    ModelSpec spec = Synthetic.spec();
    try (NetworkModel model = (NetworkModel) Models.create(spec, 9)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> new Trainer(model, TrainerTest.options("train.precision=bf16")).close());
      assertTrue(e.getMessage().contains("train.precision=bf16") && e.getMessage().contains("fp16"), e.getMessage());
    }
  }
}
