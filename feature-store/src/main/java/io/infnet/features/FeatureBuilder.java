package io.infnet.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import io.infnet.config.InfnetConfig;
import io.infnet.features.PointInTimeSequences.Behaviour;
import io.infnet.features.spark.Delta;
import io.infnet.features.spark.PhaseTimer;
import io.infnet.lake.LakePaths;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The feature build ({@code bin/infnet features}): raw log ⋈ users ⋈ videos → the Delta feature table of
 * {@link FeatureSchema}, with vocabularies, bucket splits and a data-quality report. See
 * docs/FEATURE_TABLES.md (output) and docs/DATA_POLICY.md (what is dropped, what stops the build).
 */
public final class FeatureBuilder {
  static final String SPLIT = "split";
  private static final String USER_KNOWN = "__user_known", VIDEO_KNOWN = "__video_known";

  private FeatureBuilder() {}

  public static FeatureBuildResult run(SparkSession spark, InfnetConfig config) {
    FeatureSpec spec = FeatureSpec.of(config);
    LakePaths lake = LakePaths.of(config);
    QualityReport quality = new QualityReport();
    PhaseTimer timer = new PhaseTimer(FeatureBuilder.class, "feature build");
    RawInputs raw = RawInputs.load(spark, lake);

    Dataset<Row> log = LogCleaning.clean(raw.log().data(), System.currentTimeMillis() + spec.futureToleranceMs(), quality);
    requireFewDrops(quality, spec.maxDroppedFraction());
    timer.lap("read and clean the log");
    Map<String, Long> sourceRows = new LinkedHashMap<>();
    sourceRows.put("log", (long) quality.get(QualityReport.ROWS, "log_in"));
    sourceRows.put("users", requireUnique(raw.users(), "user_id", quality));
    sourceRows.put("videos", requireUnique(raw.videos(), "video_id", quality));
    timer.lap("check users and videos");

    Map<String, String> oracleFlags = raw.oracle().isPresent() ? OracleColumns.flagsOfTasks(spec) : Map.of();
    Dataset<Row> joined = withOracle(impressions(log, raw, spec), raw, oracleFlags).persist(StorageLevel.MEMORY_AND_DISK());
    String[] days = checkLabelsAndRecordDailyStats(joined, spec, quality);
    Dataset<Row> impressions = Labels.asInt(joined, spec.labelsNeeded().keySet());
    log.unpersist();
    timer.lap("join, labels, daily stats");

    IdMappings mappings = fitOrLoadIdMappings(spark, impressions, spec, lake, days);
    FeatureSchema schema = schema(spec, mappings);
    timer.lap("vocabularies and buckets");

    Dataset<Row> encoded = encode(impressions, spec, mappings).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> rowsPerSplit = recordFieldStats(encoded, spec, quality);
    joined.unpersist();
    timer.lap("encode and field stats");

    // timed apart from the checks: bench/feature-build reads the sequence phase's cost per row from this lap
    write(spark, withSequences(spark, encoded, spec, schema, OracleColumns.columns(oracleFlags)), lake.features(), days);
    timer.lap("sequences and write");
    Map<String, String> recorded = new LinkedHashMap<>(raw.lineage(sourceRows));
    recorded.put(FeatureTables.VOCABULARY_FINGERPRINT_PROPERTY, mappings.vocabulary().fingerprint());
    long tableVersion = verifyAndRecord(spark, lake.features(), days, rowsPerSplit, schema, config, recorded);
    encoded.unpersist();
    timer.lap("verify and properties");

    Dataset<Row> report = quality.toDataset(spark, tableVersion, config.hash());
    Delta.append(report, lake.quality());
    return new FeatureBuildResult(schema, lake.features(), tableVersion, rowsPerSplit, report);
  }

  /** More dropped log rows than features.max_dropped_fraction means broken input: stop rather than train on the rest. */
  private static void requireFewDrops(QualityReport quality, double maxFraction) {
    double in = quality.get(QualityReport.ROWS, "log_in"), kept = quality.get(QualityReport.ROWS, "log_deduplicated");
    if (in <= 0 || kept <= 0) throw new IllegalArgumentException("the raw log has no valid impression (" + (long) in + " rows in)");
    if ((in - kept) / in > maxFraction) {
      StringBuilder reasons = new StringBuilder();
      quality.section(QualityReport.DROPPED).forEach((reason, n) -> {
        if (n > 0) reasons.append(reasons.length() == 0 ? "" : ", ").append(reason).append(' ').append(String.format("%,d", n.longValue()));
      });
      throw new IllegalStateException(String.format("%,d of the raw log's %,d rows (%.2f%%) were dropped, more than "
          + "features.max_dropped_fraction=%s: %s. Stopping instead of building a short table (rules: docs/DATA_POLICY.md)",
          (long) (in - kept), (long) in, 100 * (in - kept) / in, maxFraction, reasons));
    }
  }

  /** Row count of a user/video table whose ids must be unique: a duplicate would duplicate impressions in the join. */
  private static long requireUnique(RawInputs.Source source, String key, QualityReport quality) {
    Row r = source.data().groupBy(key).count()
        .agg(sum("count"), count(when(col("count").gt(1), 1)), min(when(col("count").gt(1), col(key))))
        .first();
    long rows = r.isNullAt(0) ? 0 : r.getLong(0);
    if (r.getLong(1) > 0) {
      throw new IllegalArgumentException("raw table '" + source.name() + "' has " + r.getLong(1) + " duplicated " + key
          + " values (e.g. " + r.get(2) + "): one row per " + key + " is required");
    }
    quality.add(QualityReport.ROWS, source.name() + "_in", rows);
    return rows;
  }

  /** log ⋈ users ⋈ videos, with context fields, value lists of multi-valued fields, split and labels. */
  private static Dataset<Row> impressions(Dataset<Row> log, RawInputs raw, FeatureSpec spec) {
    Dataset<Row> withUsers = leftJoin(log, raw.users().data(), "user_id", USER_KNOWN);
    Dataset<Row> joined = leftJoin(withUsers, raw.videos().data(), "video_id", VIDEO_KNOWN)
        .withColumn("hour", col("hourmin").divide(100).cast("int"))
        .withColumn("weekday", dayofweek(to_date(col(LogCleaning.DAY))))
        .withColumn(SPLIT, when(col(LogCleaning.DAY).leq(spec.trainEnd()), "train")
            .when(col(LogCleaning.DAY).leq(spec.validEnd()), "valid").otherwise("test"));
    List<String> columns = Arrays.asList(joined.columns());
    for (String f : spec.catFields()) {
      if (!columns.contains(f)) {
        throw new IllegalArgumentException("feature field '" + f + "' is not a column of log ⋈ users ⋈ videos (+ hour, weekday)");
      }
    }
    return Labels.derive(splitLists(joined, spec.multiValued()), spec.labelsNeeded());
  }

  /** The oracle's probabilities of the tasks' flags, when the log has an oracle (generated data). */
  private static Dataset<Row> withOracle(Dataset<Row> impressions, RawInputs raw, Map<String, String> oracleFlags) {
    if (oracleFlags.isEmpty()) return impressions;
    return OracleColumns.attach(impressions, raw.oracle().orElseThrow().data(), oracleFlags);
  }

  /** Left join on {@code key}, keeping one key column and a {@code marker} = 1 where the right side matched. */
  private static Dataset<Row> leftJoin(Dataset<Row> left, Dataset<Row> right, String key, String marker) {
    String rightKey = "__right_" + key;
    Dataset<Row> marked = right.withColumnRenamed(key, rightKey).withColumn(marker, lit(1));
    return left.join(marked, col(key).equalTo(col(rightKey)), "left").drop(rightKey);
  }

  /**
   * A multi-valued field's column holds a comma-separated list (KuaiRand's tag: "39,43"): its first k non-empty
   * values, trimmed, in source order, go to {@link Vocabulary#valuesColumn} (empty when there are none), and the
   * field's own column becomes the first of them (null when none), the value of its {@code cat} slot.
   */
  static Dataset<Row> splitLists(Dataset<Row> rows, Map<String, Integer> maxValues) {
    Dataset<Row> out = rows;
    for (Map.Entry<String, Integer> e : maxValues.entrySet()) {
      String field = e.getKey(), values = Vocabulary.valuesColumn(field);
      Column listed = filter(transform(split(col(field).cast("string"), ","), v -> trim(v)), v -> v.notEqual(""));
      out = out.withColumn(values, coalesce(slice(listed, 1, e.getValue()), array().cast("array<string>")))
          .withColumn(field, try_element_at(col(values), lit(1)));
    }
    return out;
  }

  /**
   * One pass: stops on labels outside {0, 1, null}; records label rate per task and day and unknown
   * users/videos; returns the first and last day.
   */
  private static String[] checkLabelsAndRecordDailyStats(Dataset<Row> impressions, FeatureSpec spec, QualityReport quality) {
    List<Column> aggs = new ArrayList<>(List.of(count(lit(1)), count(when(col(USER_KNOWN).isNull(), 1)),
        count(when(col(VIDEO_KNOWN).isNull(), 1))));
    for (String task : spec.labelsNeeded().keySet()) aggs.add(avg(col(FeatureSchema.labelColumn(task))));
    int checksFrom = 1 + aggs.size();
    aggs.addAll(Labels.violationChecks(spec.labelsNeeded()));
    List<Row> perDay = impressions.groupBy(LogCleaning.DAY).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .orderBy(LogCleaning.DAY).collectAsList();
    Labels.requireBinary(perDay, checksFrom, spec.labelsNeeded());
    long rows = 0, unknownUsers = 0, unknownVideos = 0;
    for (Row r : perDay) {
      rows += r.getLong(1);
      unknownUsers += r.getLong(2);
      unknownVideos += r.getLong(3);
      int i = 4;
      for (String task : spec.labelsNeeded().keySet()) {
        if (!r.isNullAt(i)) quality.add(QualityReport.LABEL_RATE, task, r.getString(0), null, r.getDouble(i));
        i++;
      }
    }
    quality.add(QualityReport.ROWS, "joined", rows);
    quality.add(QualityReport.UNKNOWN_KEY, "user_id", unknownUsers);
    quality.add(QualityReport.UNKNOWN_KEY, "video_id", unknownVideos);
    return new String[] {perDay.get(0).getString(0), perDay.get(perDay.size() - 1).getString(0)};
  }

  /** The id mappings of the fields: categorical vocabularies and numeric bucket splits. */
  private record IdMappings(Vocabulary vocabulary, NumericBuckets buckets) {}

  /** Fitted on the train split and stored, or (features.freeze_vocabulary) the stored ones. */
  private static IdMappings fitOrLoadIdMappings(SparkSession spark, Dataset<Row> impressions, FeatureSpec spec, LakePaths lake,
      String[] days) {
    if (spec.freezeVocabulary()) {
      return new IdMappings(Vocabulary.load(spark, lake.vocabulary(), spec.categorical()),
          NumericBuckets.load(spark, lake.bucketSplits(), spec.numeric()));
    }
    if (days[0].compareTo(spec.trainEnd()) > 0) {
      throw new IllegalArgumentException("no impression falls in the train split (split.train_end=" + spec.trainEnd()
          + ", log days " + days[0] + ".." + days[1] + "): vocabularies are fitted on train rows only");
    }
    Dataset<Row> train = impressions.where(col(SPLIT).equalTo("train"));
    IdMappings fitted = new IdMappings(Vocabulary.fit(train, spec.categorical(), spec.multiValued().keySet(), spec.minCount()),
        NumericBuckets.fit(train, spec.numeric(), spec.numericBuckets()));
    fitted.vocabulary().save(lake.vocabulary());
    fitted.buckets().save(spark, lake.bucketSplits());
    return fitted;
  }

  private static FeatureSchema schema(FeatureSpec spec, IdMappings mappings) {
    List<FeatureSchema.Field> fields = new ArrayList<>();
    for (String f : spec.categorical()) fields.add(new FeatureSchema.Field(f, mappings.vocabulary().cardinality(f), spec.maxValues(f)));
    for (String f : spec.numeric()) fields.add(new FeatureSchema.Field(f, mappings.buckets().cardinality(f)));
    List<FeatureSchema.Sequence> sequences = new ArrayList<>();
    for (String s : spec.sequences()) sequences.add(new FeatureSchema.Sequence(s, spec.sequenceMaxLength(), spec.sequenceFields()));
    return new FeatureSchema(fields, sequences, spec.tasks(), spec.gapBuckets());
  }

  /**
   * Adds the {@code cat} array (vocabulary ids of the categorical fields, then bucket ids of the numeric ones) and
   * the {@code multi_<field>} arrays.
   */
  private static Dataset<Row> encode(Dataset<Row> impressions, FeatureSpec spec, IdMappings mappings) {
    Dataset<Row> ids = mappings.buckets().encode(mappings.vocabulary().encode(impressions, spec.categorical(), spec.multiValuedColumns()));
    Column[] cat = spec.catFields().stream().map(f -> col(Vocabulary.idColumn(f))).toArray(Column[]::new);
    return ids.withColumn(FeatureSchema.CAT_COLUMN, array(cat));
  }

  /**
   * Null and OOV rate per field and split, and per multi-valued field the OOV rate of its listed values (name
   * {@code multi_<field>}: OOV values / values); returns rows per split.
   */
  private static Map<String, Long> recordFieldStats(Dataset<Row> encoded, FeatureSpec spec, QualityReport quality) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (String f : spec.categorical()) {
      aggs.add(count(when(col(f).isNull(), 1)));
      aggs.add(count(when(col(f).isNotNull().and(col(Vocabulary.idColumn(f)).equalTo(0)), 1)));
    }
    for (String f : spec.numeric()) aggs.add(count(when(col(f).isNull().or(isnan(col(f).cast("double"))), 1)));
    for (String f : spec.multiValuedColumns()) {
      Column ids = col(FeatureSchema.multiValuedColumn(f));
      aggs.add(sum(size(filter(ids, id -> id.equalTo(0)))));
      aggs.add(sum(size(ids)));
    }
    Map<String, Long> rowsPerSplit = new TreeMap<>();
    for (Row r : encoded.groupBy(SPLIT).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).collectAsList()) {
      String split = r.getString(0);
      double n = r.getLong(1);
      rowsPerSplit.put(split, r.getLong(1));
      quality.add(QualityReport.ROWS, "out", null, split, n);
      int i = 2;
      for (String f : spec.categorical()) {
        quality.add(QualityReport.NULL_RATE, f, null, split, r.getLong(i++) / n);
        quality.add(QualityReport.OOV_RATE, f, null, split, r.getLong(i++) / n);
      }
      for (String f : spec.numeric()) quality.add(QualityReport.NULL_RATE, f, null, split, r.getLong(i++) / n);
      for (String f : spec.multiValuedColumns()) {
        long oov = r.getLong(i++), values = r.getLong(i++);
        quality.add(QualityReport.OOV_RATE, FeatureSchema.multiValuedColumn(f), null, split, values == 0 ? 0 : (double) oov / values);
      }
    }
    return rowsPerSplit;
  }

  private static Dataset<Row> withSequences(SparkSession spark, Dataset<Row> encoded, FeatureSpec spec, FeatureSchema schema,
      List<String> oracleColumns) {
    List<Behaviour> behaviours = new ArrayList<>();
    List<String> fields = spec.sequenceFields();
    int[] positions = fields.stream().mapToInt(schema::fieldIndex).toArray();
    for (String s : spec.sequences()) behaviours.add(new Behaviour(s, FeatureSchema.labelColumn(s), fields, positions));
    PointInTimeSequences sequences = new PointInTimeSequences(behaviours, spec.sequenceMaxLength(), spec.gapBuckets());

    List<Column> input = new ArrayList<>(List.of(col("user_id"), col("video_id"), col("time_ms"),
        col(LogCleaning.DAY).as("date"), col(SPLIT), col(FeatureSchema.CAT_COLUMN)));
    for (String f : spec.multiValuedColumns()) input.add(col(FeatureSchema.multiValuedColumn(f)));
    for (String label : spec.labelsNeeded().keySet()) input.add(col(FeatureSchema.labelColumn(label)));
    for (String oracle : oracleColumns) input.add(col(oracle));
    Dataset<Row> withSequences = sequences.append(spark, encoded.select(input.toArray(Column[]::new)));

    List<String> output = new ArrayList<>(FeatureSchema.KEY_COLUMNS);
    output.add(FeatureSchema.CAT_COLUMN);
    for (String f : spec.multiValuedColumns()) output.add(FeatureSchema.multiValuedColumn(f));
    output.addAll(sequences.outputColumns());
    for (String task : spec.tasks()) output.add(FeatureSchema.labelColumn(task));
    output.addAll(oracleColumns);
    return withSequences.select(output.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * Replaces the built days (replaceWhere: a rerun gives the same table) or, when the table is new or its
   * columns changed, the whole table.
   */
  private static void write(SparkSession spark, Dataset<Row> features, String path, String[] days) {
    DataFrameWriter<Row> writer = features.write().format("delta").mode("overwrite").partitionBy("date");
    boolean sameColumns = Delta.exists(spark, path) && sameColumns(Delta.read(spark, path).schema(), features.schema());
    (sameColumns ? writer.option("replaceWhere", dayRange(days)) : writer.option("overwriteSchema", "true")).save(path);
  }

  private static String dayRange(String[] days) {
    return "date >= '" + days[0] + "' AND date <= '" + days[1] + "'";
  }

  /** Checks the rows landed, then records schema, config and lineage; returns the table version. */
  private static long verifyAndRecord(SparkSession spark, String path, String[] days, Map<String, Long> rowsPerSplit,
      FeatureSchema schema, InfnetConfig config, Map<String, String> lineage) {
    long expected = rowsPerSplit.values().stream().mapToLong(Long::longValue).sum();
    long written = Delta.read(spark, path).where(dayRange(days)).count();
    if (written != expected) {
      throw new IllegalStateException("feature table " + path + " holds " + written + " rows for " + days[0] + ".." + days[1]
          + " after the write, expected " + expected);
    }
    Map<String, String> props = new LinkedHashMap<>();
    props.put(FeatureSchema.TABLE_PROPERTY, schema.toJson());
    props.put(FeatureTables.CONFIG_HASH_PROPERTY, config.hash());
    props.put(FeatureTables.CONFIG_PROPERTY, config.toJson());
    props.put("infnet.dates", days[0] + ".." + days[1]);
    rowsPerSplit.forEach((split, n) -> props.put("infnet.rows." + split, String.valueOf(n)));
    props.putAll(lineage);
    Delta.setProperties(spark, path, props);
    return Delta.version(spark, path);
  }

  private static boolean sameColumns(StructType a, StructType b) {
    if (a.fields().length != b.fields().length) return false;
    for (int i = 0; i < a.fields().length; i++) {
      StructField x = a.fields()[i], y = b.fields()[i];
      if (!x.name().equals(y.name()) || !x.dataType().simpleString().equals(y.dataType().simpleString())) return false;
    }
    return true;
  }
}
