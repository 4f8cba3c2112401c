package io.infnet.features;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.json.Jsons;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** What the feature build makes, read once from the config. */
record FeatureSpec(List<String> categorical, Map<String, Integer> multiValued, Map<String, Integer> hashBuckets, List<String> numeric,
    int numericBuckets,
    int minCount, boolean freezeVocabulary, String itemField, List<String> sideFields, List<String> sequences, int sequenceMaxLength, int gapBuckets,
    List<String> tasks, Map<String, String> labelExpressions, String trainEnd, String validEnd, double maxDroppedFraction,
    long futureToleranceMs, String fromDate, String toDate) {

  static FeatureSpec of(InfnetConfig c) {
    return new FeatureSpec(c.get(Keys.FEATURES_CATEGORICAL), c.get(Keys.FEATURES_MULTI_VALUED), c.get(Keys.FEATURES_HASH_BUCKETS),
        c.get(Keys.FEATURES_NUMERIC),
        c.get(Keys.FEATURES_NUMERIC_BUCKETS), c.get(Keys.FEATURES_MIN_COUNT), c.get(Keys.FEATURES_FREEZE_VOCABULARY), c.get(Keys.FEATURES_ITEM_FIELD),
        c.get(Keys.FEATURES_SEQUENCE_SIDE_FIELDS), c.get(Keys.FEATURES_SEQUENCES), c.get(Keys.FEATURES_SEQUENCE_MAX_LENGTH),
        c.get(Keys.FEATURES_GAP_BUCKETS), c.get(Keys.TASKS), c.get(Keys.TASK_LABELS), c.get(Keys.SPLIT_TRAIN_END),
        c.get(Keys.SPLIT_VALID_END), c.get(Keys.FEATURES_MAX_DROPPED_FRACTION),
        Math.round(c.get(Keys.FEATURES_FUTURE_TOLERANCE_HOURS) * 3_600_000L), c.get(Keys.FEATURES_FROM_DATE),
        c.get(Keys.FEATURES_TO_DATE).isEmpty() ? c.get(Keys.FEATURES_FROM_DATE) : c.get(Keys.FEATURES_TO_DATE));
  }

  /**
   * The keys that decide the rows' content, as JSON: recorded on the table ({@link FeatureTables#FEATURE_SPEC_PROPERTY})
   * so that a day range is built only into a table made with the same ones (policy keys such as the drop ceiling are
   * left out: they decide whether a build runs, not what it writes).
   */
  String contentJson() {
    return Jsons.write(new Content(categorical, multiValued, hashBuckets, numeric, numericBuckets, minCount, itemField, sideFields,
        sequences, sequenceMaxLength, gapBuckets, tasks, labelExpressions, trainEnd, validEnd));
  }

  /**
   * The spec a table recorded ({@link FeatureTables#FEATURE_SPEC_PROPERTY}): its content keys; the policy keys, which
   * do not decide how a value is encoded, take neutral values.
   */
  static FeatureSpec fromContentJson(String json, String source) {
    Content c = Jsons.read(json, Content.class, source);
    return new FeatureSpec(c.categorical(), c.multiValued(), c.hashBuckets() == null ? Map.of() : c.hashBuckets(), c.numeric(),
        c.numericBuckets(), c.minCount(), true, c.itemField(), c.sideFields(), c.sequences(), c.sequenceMaxLength(), c.gapBuckets(),
        c.tasks(), c.labelExpressions(), c.trainEnd(), c.validEnd(), 0, 0, "", "");
  }

  // hash_buckets left out when empty: tables built before hashing existed keep their recorded spec
  private record Content(List<String> categorical, Map<String, Integer> multiValued,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Integer> hashBuckets, List<String> numeric, int numericBuckets,
      int minCount, String itemField, List<String> sideFields, List<String> sequences, int sequenceMaxLength, int gapBuckets,
      List<String> tasks, Map<String, String> labelExpressions, String trainEnd, String validEnd) {}

  /** Every field of the {@code cat} column, in order: categorical fields, then bucketized numeric fields. */
  List<String> catFields() {
    List<String> all = new ArrayList<>(categorical);
    all.addAll(numeric);
    return all;
  }

  /** The categorical fields with a vocabulary: those not hashed. */
  List<String> vocabularyFields() {
    return categorical.stream().filter(f -> !hashBuckets.containsKey(f)).toList();
  }

  /** Values kept per row of a categorical field: its features.multi_valued entry, else 1. */
  int maxValues(String field) {
    return multiValued.getOrDefault(field, 1);
  }

  /** The fields with a {@code multi_<field>} column: those keeping more than one value. */
  List<String> multiValuedColumns() {
    return categorical.stream().filter(f -> maxValues(f) > 1).toList();
  }

  /** Item field first, then side fields: the event fields of every sequence. */
  List<String> sequenceFields() {
    List<String> fields = new ArrayList<>(List.of(itemField));
    for (String side : sideFields) if (!side.equals(itemField)) fields.add(side);
    return fields;
  }

  /** The labels to derive: the tasks' and the sequences' behaviours (a sequence need not be a task). */
  Map<String, String> labelsNeeded() {
    Map<String, String> needed = new LinkedHashMap<>();
    for (String name : new LinkedHashSet<>(concat(tasks, sequences))) needed.put(name, labelExpressions.get(name));
    return needed;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
