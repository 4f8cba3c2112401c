package io.infnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.model.data.Batch;
import io.infnet.schema.FeatureSchema;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InfnetModelTest {

  @Test
  void predictsOneProbabilityPerRowAndTask() {
    ModelSpec spec = Synthetic.spec();
    try (RankingModel model = Models.create(spec, 1)) {
      Batch batch = Synthetic.batch(spec.schema(), 17, new Random(1));
      float[][] p = model.predict(batch);
      assertEquals(17, p.length);
      for (float[] row : p) {
        assertEquals(3, row.length);
        for (float v : row) assertTrue(v > 0 && v < 1, "probability " + v);
      }
      assertTrue(model.parameterCount() > 0);
    }
  }

  @Test
  void paddingContentsNeverChangePredictions() {
    ModelSpec spec = Synthetic.spec();
    FeatureSchema schema = spec.schema();
    try (RankingModel model = Models.create(spec, 2)) {
      Batch batch = Synthetic.batch(schema, 32, new Random(2));
      float[][] before = model.predict(batch);
      Random random = new Random(3);
      for (int s = 0; s < schema.sequences().size(); s++) {
        FeatureSchema.Sequence seq = schema.sequences().get(s);
        int width = seq.fields().size();
        int[] ids = batch.sequenceIds(s);
        int[] gaps = batch.sequenceGaps(s);
        for (int r = 0; r < batch.size(); r++) {
          for (int p = batch.sequenceLengths(s)[r]; p < seq.maxLength(); p++) {
            for (int f = 0; f < width; f++) {
              ids[(r * seq.maxLength() + p) * width + f] = 1 + random.nextInt(schema.field(seq.fields().get(f)).cardinality() - 1);
            }
            gaps[r * seq.maxLength() + p] = 1 + random.nextInt(schema.gapBuckets());
          }
        }
      }
      float[][] after = model.predict(batch);
      for (int r = 0; r < before.length; r++) assertArrayEquals(before[r], after[r], "row " + r);
    }
  }

  @Test
  void allPaddingHistoriesGiveFiniteOutputs() {
    ModelSpec spec = Synthetic.spec();
    FeatureSchema schema = spec.schema();
    try (RankingModel model = Models.create(spec, 3)) {
      Batch batch = new Batch(schema, 4);
      int[][][] empty = {new int[3][0], new int[1][0]};
      int[][] noGaps = {new int[0], new int[0]};
      for (int r = 0; r < 4; r++) batch.add(new int[] {r, r, 1, 1, 1, 1, r}, empty, noGaps, new Integer[] {1, 0, null});
      for (float[] row : model.predict(batch)) for (float v : row) assertTrue(Float.isFinite(v) && v > 0 && v < 1);
    }
  }

  @Test
  void sameSeedSameWeightsDifferentSeedDifferentWeights() {
    ModelSpec spec = Synthetic.spec();
    Batch batch = Synthetic.batch(spec.schema(), 8, new Random(4));
    try (RankingModel a = Models.create(spec, 5); RankingModel b = Models.create(spec, 5); RankingModel c = Models.create(spec, 6)) {
      float[][] pa = a.predict(batch);
      float[][] pb = b.predict(batch);
      float[][] pc = c.predict(batch);
      for (int r = 0; r < pa.length; r++) assertArrayEquals(pa[r], pb[r]);
      assertFalse(java.util.Arrays.equals(pa[0], pc[0]));
    }
  }

  @Test
  void concurrentPredictionsOnOneModelAgreeWithSequentialOnes() throws Exception {
    ModelSpec spec = Synthetic.spec();
    Batch batch = Synthetic.batch(spec.schema(), 64, new Random(9));
    try (RankingModel model = Models.create(spec, 8)) {
      float[][] expected = model.predict(batch);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        java.util.List<java.util.concurrent.Future<float[][]>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) results.add(pool.submit(() -> model.predict(batch)));
        for (java.util.concurrent.Future<float[][]> f : results) {
          float[][] actual = f.get();
          for (int r = 0; r < expected.length; r++) assertArrayEquals(expected[r], actual[r]);
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void worksWithoutSequences() {
    ModelSpec spec = Synthetic.spec(Synthetic.schemaWithoutSequences());
    try (RankingModel model = Models.create(spec, 7)) {
      float[][] p = model.predict(Synthetic.batch(spec.schema(), 5, new Random(5)));
      for (float[] row : p) for (float v : row) assertTrue(v > 0 && v < 1);
    }
  }
}
