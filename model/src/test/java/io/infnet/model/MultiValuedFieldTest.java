package io.infnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.model.data.Batch;
import io.infnet.model.train.Gradients;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingOptions;
import io.infnet.schema.FeatureSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A multi-valued field (tag, up to 3 values) reaches every model through its pooled categorical token. */
class MultiValuedFieldTest {
  private static final FeatureSchema SCHEMA = Synthetic.schemaWithMultiValuedTag();
  private static final int K = SCHEMA.field("tag").maxValues();

  private static ModelSpec spec(FeatureSchema schema, String type) {
    return Synthetic.spec(schema, "model.type=" + type, "model.experts=2", "model.cross_layers=2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"infnet", "shared_bottom", "mmoe", "ple", "dcnv2", "full_attention"})
  void everyListedValueCountsAndPaddingNeverDoes(String type) {
    Batch batch = Synthetic.batch(SCHEMA, 32, new Random(7));
    int[] ids = batch.multiValuedIds(0), counts = batch.multiValuedCounts(0);
    try (RankingModel model = Models.create(spec(SCHEMA, type), 3)) {
      float[][] expected = model.predict(batch);

      int row = firstRow(counts, c -> c >= 2);
      ids[row * K + 1] = (ids[row * K + 1] + 1) % 8;                                   // the row's second tag
      float[][] changed = model.predict(batch);
      assertFalse(Arrays.equals(expected[row], changed[row]), type + ": the second tag changes the prediction");
      for (int r = 0; r < expected.length; r++) if (r != row) assertArrayEquals(expected[r], changed[r]);
      ids[row * K + 1] = (ids[row * K + 1] + 7) % 8;

      for (int r = 0; r < batch.size(); r++) for (int v = counts[r]; v < K; v++) ids[r * K + v] = 5;
      float[][] padded = model.predict(batch);
      for (int r = 0; r < expected.length; r++) assertArrayEquals(expected[r], padded[r], type + ": padding contents matter");

      int empty = firstRow(counts, c -> c == 0);                                        // no tag reads as the OOV tag
      counts[empty] = 1;
      ids[empty * K] = 0;
      assertArrayEquals(expected[empty], model.predict(batch)[empty], type + ": an empty list is the OOV value");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"infnet", "dcnv2"})
  void parameterCountIsThatOfTheSingleValuedField(String type) {
    try (RankingModel single = Models.create(spec(Synthetic.schema(), type), 1);
         RankingModel multi = Models.create(spec(SCHEMA, type), 1)) {
      assertEquals(single.parameterCount(), multi.parameterCount());
    }
  }

  /** Only the tag rows of the list get gradients: the cat slot (first value) and the OOV row are not read. */
  @Test
  void gradientReachesEveryListedTagRow() {
    FeatureSchema schema = new FeatureSchema(SCHEMA.fields(), List.of(), SCHEMA.tasks(), 0);
    Batch batch = new Batch(schema, 1);
    int[] cat = new int[schema.fields().size()];
    Arrays.fill(cat, 1);
    cat[schema.fieldIndex("tag")] = 2;
    batch.add(cat, new int[][] {{2, 5, 7}}, null, null, new Integer[] {1, 0, 1});
    int tagOffset = 0;
    for (int f = 0; f < schema.fieldIndex("tag"); f++) tagOffset += schema.fields().get(f).cardinality();
    TrainingOptions options = TrainingOptions.from(InfnetConfig.defaults().with("train.threads=1"));
    try (RankingModel model = Models.create(spec(schema, "infnet"), 2); Trainer trainer = new Trainer(model, options)) {
      trainer.computeGradients(batch);
      Gradients.Tensor table = trainer.gradients().get("tokens.embedding.table");
      TreeSet<Integer> tagRows = new TreeSet<>();
      for (int r : table.rows()) if (r >= tagOffset && r < tagOffset + 8) tagRows.add(r - tagOffset);
      assertEquals(new TreeSet<>(List.of(2, 5, 7)), tagRows);
    }
  }

  @Test
  void valuesOutsideTheVocabularyNameTheFieldUnlessMappedToOov() {
    FeatureSchema schema = new FeatureSchema(SCHEMA.fields(), List.of(), SCHEMA.tasks(), 0);
    int[] cat = new int[schema.fields().size()];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Batch(schema, 1).add(cat, new int[][] {{1, 8}}, null, null, null));
    assertTrue(e.getMessage().contains("field tag: id 8"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Batch(schema, 1).add(cat, null, null, null), "multi-valued values required");

    Batch oov = new Batch(schema, 1, true);
    oov.add(cat, new int[][] {{1, 8, 3, 4}}, null, null, null);                        // 4 values: the 4th is cut
    assertEquals(1, oov.outOfRangeCount());
    assertArrayEquals(new int[] {1, 0, 3}, Arrays.copyOf(oov.multiValuedIds(0), K));
    assertEquals(K, oov.multiValuedCounts(0)[0]);
  }

  private static int firstRow(int[] counts, java.util.function.IntPredicate test) {
    for (int r = 0; r < counts.length; r++) if (test.test(counts[r])) return r;
    throw new AssertionError("no row with the wanted tag count in the synthetic batch");
  }
}
