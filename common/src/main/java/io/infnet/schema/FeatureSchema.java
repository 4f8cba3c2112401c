package io.infnet.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.infnet.json.Jsons;
import java.util.List;

/**
 * The contract between the feature store's output table and the model's input: which categorical fields
 * (with their cardinalities), which behaviour sequences, which tasks. The feature store writes it as the
 * feature table's property {@value #TABLE_PROPERTY}; the model records it in its manifest and refuses a
 * table whose schema differs.
 *
 * <p>Feature table columns (documented in docs/FEATURE_TABLES.md):
 * <ul>
 *   <li>{@code user_id, video_id, time_ms} (long), {@code date} (string yyyy-MM-dd, the partition column), {@code split} (train/valid/test)
 *   <li>{@value #CAT_COLUMN}: array&lt;int&gt;, one id per field in {@link #fields()} order; 0 = missing/OOV (a
 *       multi-valued field's slot holds its first value)
 *   <li>{@code multi_<field>}: array&lt;int&gt; per multi-valued field ({@link Field#maxValues()} &gt; 1): the ids of
 *       its values in source order, at most maxValues, unpadded (empty = no value)
 *   <li>{@code seq_<name>__<field>}: array&lt;int&gt; per sequence and event field, most recent first,
 *       at most maxLength, unpadded (all fields of one sequence have the same length)
 *   <li>{@code seq_<name>__gap}: array&lt;int&gt;, time-gap bucket per event in 1..gapBuckets (only if gapBuckets &gt; 0)
 *   <li>{@code label_<task>}: int 0/1, null = label missing (masked in the loss)
 *   <li>{@code oracle_<task>}: double, only on generated data: the generator's true probability of the label
 *       ({@link #oracleColumn}); beside the labels for evaluation, never a model input
 * </ul>
 */
public record FeatureSchema(List<Field> fields, List<Sequence> sequences, List<String> tasks, int gapBuckets) {
  public static final String TABLE_PROPERTY = "infnet.feature_schema";
  public static final String CAT_COLUMN = "cat";
  public static final List<String> KEY_COLUMNS = List.of("user_id", "video_id", "time_ms", "date", "split");

  /**
   * A categorical field: ids in [0, cardinality), 0 = missing/OOV. maxValues &gt; 1 makes it multi-valued: a row
   * holds up to maxValues ids of it (column {@code multi_<name>}), besides the first one in {@value #CAT_COLUMN}.
   */
  public record Field(String name, int cardinality, int maxValues) {
    public Field {
      if (cardinality < 1) throw new IllegalArgumentException("field " + name + ": cardinality must be >= 1, got " + cardinality);
      if (maxValues < 1) throw new IllegalArgumentException("field " + name + ": maxValues must be >= 1, got " + maxValues);
    }

    /** A single-valued field. */
    public Field(String name, int cardinality) {
      this(name, cardinality, 1);
    }

    /** Schemas written before multi-valued fields existed have no max_values: every field was single-valued. */
    @JsonCreator
    static Field read(@JsonProperty("name") String name, @JsonProperty("cardinality") int cardinality,
        @JsonProperty("max_values") Integer maxValues) {
      return new Field(name, cardinality, maxValues == null ? 1 : maxValues);
    }

    public boolean multiValued() {
      return maxValues > 1;
    }
  }

  /** A behaviour sequence; {@code fields.get(0)} is the item field, the rest side info; all are categorical fields. */
  public record Sequence(String name, int maxLength, List<String> fields) {
    public Sequence {
      fields = List.copyOf(fields);
      if (maxLength < 1) throw new IllegalArgumentException("sequence " + name + ": maxLength must be >= 1");
      if (fields.isEmpty()) throw new IllegalArgumentException("sequence " + name + ": needs at least the item field");
    }
  }

  public FeatureSchema {
    fields = List.copyOf(fields);
    sequences = List.copyOf(sequences);
    tasks = List.copyOf(tasks);
    for (Sequence s : sequences) {
      for (String f : s.fields()) {
        if (fields.stream().noneMatch(x -> x.name().equals(f))) {
          throw new IllegalArgumentException("sequence " + s.name() + " uses field " + f + ", which is not a categorical field");
        }
      }
    }
  }

  public static String sequenceColumn(String sequence, String field) {
    return "seq_" + sequence + "__" + field;
  }

  public static String gapColumn(String sequence) {
    return "seq_" + sequence + "__gap";
  }

  public static String multiValuedColumn(String field) {
    return "multi_" + field;
  }

  public static String labelColumn(String task) {
    return "label_" + task;
  }

  /** The generator's true probability of the task's label (synthetic lakes): beside the labels, never a feature. */
  public static String oracleColumn(String task) {
    return "oracle_" + task;
  }

  /** Position of a field in {@link #CAT_COLUMN}. */
  public int fieldIndex(String name) {
    for (int i = 0; i < fields.size(); i++) if (fields.get(i).name().equals(name)) return i;
    throw new IllegalArgumentException("no categorical field '" + name + "' in the feature schema");
  }

  public Field field(String name) {
    return fields.get(fieldIndex(name));
  }

  /** The multi-valued fields, in {@link #fields()} order. */
  public List<Field> multiValuedFields() {
    return fields.stream().filter(Field::multiValued).toList();
  }

  /** The form stored as the table property and in the model manifest (snake_case names, docs/FEATURE_TABLES.md). */
  public String toJson() {
    return Jsons.write(this);
  }

  public static FeatureSchema fromJson(String json) {
    return Jsons.read(json, FeatureSchema.class, "feature schema");
  }
}
