package io.infnet.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CrossAttentionTest {
  static NDArray random(NDManager manager, Random random, long... shape) {
    float[] v = new float[Math.toIntExact(new Shape(shape).size())];
    for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian();
    return manager.create(v, new Shape(shape));
  }

  @Test
  void foldedFormMatchesTheDirectFormAndIgnoresPadding() {
    try (NDManager manager = NDManager.newBaseManager()) {
      CrossAttention attention = new CrossAttention(8, 2, null);
      attention.initializeParameters(manager, 3);
      // a non-zero value bias, so that its handling for empty rows is exercised
      attention.namedParameters().get("kv.value_bias").parameter().getArray().set(new float[] {1, -1, 2, -2, 3, -3, 4, -4});
      Pass pass = new Pass(new ParameterStore(manager, false), false);
      Random random = new Random(1);
      NDArray q = random(manager, random, 3, 2, 8);
      NDArray keys = random(manager, random, 3, 5, 8);
      NDArray mask = manager.create(new float[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, new Shape(3, 5));
      float[] folded = attention.apply(pass, q, keys, mask).toFloatArray();
      float[] direct = attention.applyDirect(pass, q, keys, mask).toFloatArray();
      assertEquals(direct.length, folded.length);
      for (int i = 0; i < direct.length; i++) assertEquals(direct[i], folded[i], 1e-4, "element " + i);
      float[] unmasked = attention.apply(pass, q, keys, null).toFloatArray();
      float[] unmaskedDirect = attention.applyDirect(pass, q, keys, null).toFloatArray();
      for (int i = 0; i < unmasked.length; i++) assertEquals(unmaskedDirect[i], unmasked[i], 1e-4);

      // padded keys (row 1 positions 2..4, all of row 2) do not matter
      float[] keyValues = keys.toFloatArray();
      for (int p = 2; p < 5; p++) for (int c = 0; c < 8; c++) keyValues[(5 + p) * 8 + c] = 1000f;
      for (int p = 0; p < 5; p++) for (int c = 0; c < 8; c++) keyValues[(10 + p) * 8 + c] = -77f;
      float[] changed = attention.apply(pass, q, manager.create(keyValues, keys.getShape()), mask).toFloatArray();
      assertArrayEquals(folded, changed, 1e-5f);
      // an all-padding row reads nothing (not even the value bias): exactly the output bias, here 0, never NaN
      for (int i = 32; i < 48; i++) assertEquals(0f, folded[i], 0f, "element " + i);
    }
  }
}
