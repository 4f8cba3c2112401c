package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.infnet.model.ModelSpec;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns ids into width-d tokens: one categorical token per field (for a multi-valued field the masked mean of
 * its values' embeddings), and per sequence one token per event = Linear(concat(item, side-info embeddings) → d)
 * (+ the time-gap bucket embedding when model.time_gap; a multi-valued side field contributes its first value).
 * Shared by INFNet and the baselines, so all models see the same inputs.
 */
public final class FeatureTokens extends Module {
  private final FeatureEmbedding embedding;
  private final List<Dense> eventProjections = new ArrayList<>();
  private final List<int[]> eventFields = new ArrayList<>();
  private final Parameter gapEmbedding;
  private final int[] allFields;
  private final int[] multiValuedFields;
  private final FeatureSchema schema;
  private final int dim;

  /** Categorical tokens (B, M, d); per sequence its event tokens (B, n_s, d) and mask (B, n_s). */
  public record Tokens(NDArray categorical, List<NDArray> sequences, List<NDArray> masks) {}

  public FeatureTokens(ModelSpec spec) {
    this.schema = spec.schema();
    this.dim = spec.dim();
    int d = dim;
    this.embedding = child("embedding", new FeatureEmbedding(schema, d, spec.embeddingLayout(), spec.initStd()));
    for (FeatureSchema.Sequence s : schema.sequences()) {
      eventFields.add(s.fields().stream().mapToInt(schema::fieldIndex).toArray());
      eventProjections.add(child("sequence_" + s.name(), new Dense(s.fields().size() * d, d)));
    }
    boolean gaps = spec.timeGap() && schema.gapBuckets() > 0 && !schema.sequences().isEmpty();
    this.gapEmbedding = gaps ? table("gap_embedding", Init.scaled(spec.initStd()), schema.gapBuckets() + 1, d) : null;
    this.allFields = new int[schema.fields().size()];
    for (int i = 0; i < allFields.length; i++) allFields[i] = i;
    this.multiValuedFields = schema.multiValuedFields().stream().mapToInt(f -> schema.fieldIndex(f.name())).toArray();
  }

  public Tokens apply(Pass pass, ModelInputs in) {
    NDArray categorical = withPooledValues(pass, embedding.lookup(pass, in.categorical(), allFields), in.multiValued());
    List<NDArray> sequences = new ArrayList<>();
    List<NDArray> masks = new ArrayList<>();
    for (int s = 0; s < eventFields.size(); s++) {
      ModelInputs.SequenceInput seq = in.sequences().get(s);
      sequences.add(eventTokens(pass, s, seq));
      masks.add(seq.mask());
    }
    return new Tokens(categorical, sequences, masks);
  }

  /** Puts each multi-valued field's pooled token in its slot (B, M, d); the slot's cat id (first value) is not read. */
  private NDArray withPooledValues(Pass pass, NDArray categorical, List<ModelInputs.ValueList> lists) {
    if (multiValuedFields.length == 0) return categorical;
    NDArray tokens = categorical.mul(slotMask(categorical, multiValuedFields, 0f, 1f));
    for (int j = 0; j < multiValuedFields.length; j++) {
      ModelInputs.ValueList values = lists.get(j);
      NDArray pooled = embedding.pooled(pass, values.ids(), values.mask(), multiValuedFields[j]).expandDims(1);  // (B, 1, d)
      tokens = tokens.add(pooled.mul(slotMask(categorical, new int[] {multiValuedFields[j]}, 1f, 0f)));
    }
    return tokens;
  }

  /** (1, M, 1): {@code at} in the given slots, {@code elsewhere} in the others. */
  private static NDArray slotMask(NDArray categorical, int[] slots, float at, float elsewhere) {
    float[] mask = new float[Math.toIntExact(categorical.getShape().get(1))];
    Arrays.fill(mask, elsewhere);
    for (int slot : slots) mask[slot] = at;
    return categorical.getManager().create(mask).reshape(1, mask.length, 1);
  }

  private NDArray eventTokens(Pass pass, int s, ModelInputs.SequenceInput seq) {
    Shape shape = seq.ids().getShape();                                            // (B, n, f)
    NDArray fields = embedding.lookup(pass, seq.ids(), eventFields.get(s));        // (B, n, f, d)
    NDArray tokens = eventProjections.get(s).apply(pass, fields.reshape(shape.get(0), shape.get(1), -1));
    if (gapEmbedding == null || seq.gaps() == null) return tokens;
    return tokens.add(FeatureEmbedding.gather(pass, gapEmbedding, seq.gaps()));
  }

  /** DJL form: inputs as {@link ModelInputs#toList()}; outputs C, then every sequence's tokens, then their masks. */
  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    Tokens t = apply(new Pass(store, training), ModelInputs.fromList(inputs, schema));
    NDList out = new NDList(t.categorical());
    out.addAll(t.sequences());
    out.addAll(t.masks());
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    List<Shape> out = new ArrayList<>();
    out.add(new Shape(batch, schema.fields().size(), dim));
    for (FeatureSchema.Sequence s : schema.sequences()) out.add(new Shape(batch, s.maxLength(), dim));
    for (FeatureSchema.Sequence s : schema.sequences()) out.add(new Shape(batch, s.maxLength()));
    return out.toArray(new Shape[0]);
  }
}
