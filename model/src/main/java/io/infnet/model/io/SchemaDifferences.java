package io.infnet.model.io;

import io.infnet.schema.FeatureSchema;
import io.infnet.schema.FeatureSchema.Field;
import io.infnet.schema.FeatureSchema.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Human-readable differences between the feature schema a model was trained on and the one offered (a feature table,
 * a caller's expectation): the one compatibility rule for loading, evaluating and scoring. Fields, their order,
 * cardinalities and value counts, sequences and gap buckets must be equal; the offered schema may label more tasks
 * than the model predicts, not fewer.
 */
public final class SchemaDifferences {
  private SchemaDifferences() {}

  public static List<String> between(FeatureSchema model, FeatureSchema offered) {
    List<String> out = new ArrayList<>();
    Map<String, Field> offeredFields = offered.fields().stream().collect(Collectors.toMap(Field::name, Function.identity()));
    Map<String, Field> modelFields = model.fields().stream().collect(Collectors.toMap(Field::name, Function.identity()));
    for (Field f : model.fields()) {
      Field o = offeredFields.get(f.name());
      if (o == null) out.add("field '" + f.name() + "' is missing from the offered schema");
      else if (o.cardinality() != f.cardinality()) {
        out.add("field '" + f.name() + "' has cardinality " + f.cardinality() + " in the model, " + o.cardinality() + " offered");
      } else if (o.maxValues() != f.maxValues()) {
        out.add("field '" + f.name() + "' has max values " + f.maxValues() + " in the model, " + o.maxValues() + " offered");
      }
    }
    for (Field o : offered.fields()) if (!modelFields.containsKey(o.name())) out.add("field '" + o.name() + "' is unknown to the model");
    if (out.isEmpty()) {
      for (int i = 0; i < model.fields().size(); i++) {
        String m = model.fields().get(i).name();
        String o = offered.fields().get(i).name();
        if (!m.equals(o)) {
          out.add("field order differs at position " + i + ": model has '" + m + "', offered '" + o + "'");
          break;
        }
      }
    }
    compareSequences(model.sequences(), offered.sequences(), out);
    if (!offered.tasks().containsAll(model.tasks())) {
      out.add("tasks " + model.tasks() + " in the model, labels for " + offered.tasks() + " offered");
    }
    if (model.gapBuckets() != offered.gapBuckets()) {
      out.add("gap_buckets " + model.gapBuckets() + " in the model, " + offered.gapBuckets() + " offered");
    }
    return out;
  }

  private static void compareSequences(List<Sequence> model, List<Sequence> offered, List<String> out) {
    List<String> modelNames = model.stream().map(Sequence::name).toList();
    List<String> offeredNames = offered.stream().map(Sequence::name).toList();
    if (!modelNames.equals(offeredNames)) {
      out.add("sequences " + modelNames + " in the model, " + offeredNames + " offered");
      return;
    }
    for (int i = 0; i < model.size(); i++) {
      Sequence m = model.get(i);
      Sequence o = offered.get(i);
      if (m.maxLength() != o.maxLength()) {
        out.add("sequence '" + m.name() + "' has max length " + m.maxLength() + " in the model, " + o.maxLength() + " offered");
      }
      if (!m.fields().equals(o.fields())) {
        out.add("sequence '" + m.name() + "' has fields " + m.fields() + " in the model, " + o.fields() + " offered");
      }
    }
  }
}
