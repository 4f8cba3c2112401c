package io.infnet.model;

import io.infnet.config.InfnetConfig;
import io.infnet.model.data.Batch;
import io.infnet.model.data.Example;
import io.infnet.model.data.ExampleSet;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.FeatureSchema.Field;
import io.infnet.schema.FeatureSchema.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small schemas and synthetic batches with a planted signal: task k's label depends on field signalField(k). */
public final class Synthetic {
  private Synthetic() {}

  public static FeatureSchema schema() {
    return new FeatureSchema(
        List.of(new Field("user_id", 50), new Field("video_id", 40), new Field("author_id", 10), new Field("tag", 8),
            new Field("f1", 5), new Field("f2", 5), new Field("hour", 24)),
        List.of(new Sequence("click", 6, List.of("video_id", "author_id", "tag")),
            new Sequence("long_view", 4, List.of("video_id"))),
        List.of("click", "like", "long_view"), 5);
  }

  /** {@link #schema()} with tag multi-valued (up to 3 values), same cardinalities. */
  public static FeatureSchema schemaWithMultiValuedTag() {
    FeatureSchema s = schema();
    List<Field> fields = new ArrayList<>(s.fields());
    fields.set(s.fieldIndex("tag"), new Field("tag", 8, 3));
    return new FeatureSchema(fields, s.sequences(), s.tasks(), s.gapBuckets());
  }

  public static FeatureSchema schemaWithoutSequences() {
    FeatureSchema s = schema();
    return new FeatureSchema(s.fields(), List.of(), s.tasks(), 0);
  }

  /** The field each task's planted label reads: click <- f1, like <- f2, long_view <- hour. */
  public static int signalField(FeatureSchema schema, int task) {
    String name = List.of("f1", "f2", "hour").get(task % 3);
    return schema.fields().stream().anyMatch(f -> f.name().equals(name)) ? schema.fieldIndex(name) : 4 + task;
  }

  public static ModelSpec spec(String... overrides) {
    return spec(schema(), overrides);
  }

  public static ModelSpec spec(FeatureSchema schema, String... overrides) {
    List<String> all = new ArrayList<>(List.of("model.dim=8", "model.blocks=2", "model.heads=2", "model.tower_hidden=8"));
    all.addAll(List.of(overrides));
    return ModelSpec.from(InfnetConfig.defaults().with(all.toArray(new String[0])), schema);
  }

  /** A batch of random rows; labels follow the planted rule with 10% noise; some histories are empty. */
  public static Batch batch(FeatureSchema schema, int rows, Random random) {
    Batch b = new Batch(schema, rows);
    while (!b.isFull()) addRow(b, schema, random);
    return b;
  }

  public static void addRow(Batch b, FeatureSchema schema, Random random) {
    example(schema, random).addTo(b);
  }

  /**
   * Rows of {@link #example}; users 0..rows/4 (about 4 rows each); the oracle of task k is the planted rule's
   * probability (0.9 on its positive side, else 0.1).
   */
  public static ExampleSet exampleSet(FeatureSchema schema, int rows, Random random) {
    List<Example> examples = new ArrayList<>();
    long[] users = new long[rows];
    float[][] oracle = new float[schema.tasks().size()][rows];
    for (int r = 0; r < rows; r++) {
      Example e = example(schema, random);
      examples.add(e);
      users[r] = random.nextInt(Math.max(1, rows / 4));
      for (int k = 0; k < oracle.length; k++) {
        int f = Math.min(signalField(schema, k), schema.fields().size() - 1);
        oracle[k][r] = e.cat()[f] < schema.fields().get(f).cardinality() / 2 ? 0.9f : 0.1f;
      }
    }
    return new ExampleSet(schema, examples, users, oracle);
  }

  /** One random row; labels follow the planted rule with 10% noise; some histories are empty. */
  public static Example example(FeatureSchema schema, Random random) {
    int m = schema.fields().size();
    int[] cat = new int[m];
    for (int f = 0; f < m; f++) cat[f] = random.nextInt(schema.fields().get(f).cardinality());
    List<Field> multiFields = schema.multiValuedFields();
    int[][] multiValues = new int[multiFields.size()][];
    for (int j = 0; j < multiValues.length; j++) {
      Field f = multiFields.get(j);
      multiValues[j] = random.ints(random.nextInt(f.maxValues() + 2), 0, f.cardinality()).toArray(); // 0 (none) .. truncated
    }
    int[][][] seqIds = new int[schema.sequences().size()][][];
    int[][] gaps = schema.gapBuckets() > 0 ? new int[schema.sequences().size()][] : null;
    for (int s = 0; s < seqIds.length; s++) {
      Sequence seq = schema.sequences().get(s);
      int length = random.nextInt(seq.maxLength() + 3); // 0 (empty) .. beyond maxLength (truncated)
      seqIds[s] = new int[seq.fields().size()][length];
      for (int f = 0; f < seq.fields().size(); f++) {
        int card = schema.field(seq.fields().get(f)).cardinality();
        for (int p = 0; p < length; p++) seqIds[s][f][p] = random.nextInt(card);
      }
      if (gaps != null) {
        gaps[s] = new int[length];
        for (int p = 0; p < length; p++) gaps[s][p] = 1 + random.nextInt(schema.gapBuckets());
      }
    }
    Integer[] labels = new Integer[schema.tasks().size()];
    for (int k = 0; k < labels.length; k++) {
      int f = Math.min(signalField(schema, k), m - 1);
      boolean positive = cat[f] < schema.fields().get(f).cardinality() / 2;
      if (random.nextDouble() < 0.1) positive = !positive;
      labels[k] = random.nextDouble() < 0.05 ? null : (positive ? 1 : 0);
    }
    return new Example(cat, multiValues, seqIds, gaps, labels);
  }
}
