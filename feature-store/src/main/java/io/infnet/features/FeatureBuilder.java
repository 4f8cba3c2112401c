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
import io.infnet.schema.IdEncoding;
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
  /** 1 where the row's user (video) is in the raw users (videos) table, null otherwise. */
  static final String USER_KNOWN = "__user_known", VIDEO_KNOWN = "__video_known";

  private FeatureBuilder() {}

  public static FeatureBuildResult run(SparkSession spark, InfnetConfig config) {
    FeatureSpec spec = FeatureSpec.of(config);
    LakePaths lake = LakePaths.of(config);
    BuildPlan plan = spec.fromDate().isEmpty() ? BuildPlan.full()
        : BuildPlan.range(spark, lake, spec.contentJson(), spec.fromDate(), spec.toDate());
    QualityReport quality = new QualityReport();
    PhaseTimer timer = new PhaseTimer(FeatureBuilder.class, "feature build");
    RawInputs raw = RawInputs.load(spark, lake).restrictedTo(plan);

    Dataset<Row> log = LogCleaning.clean(raw.log().data(), System.currentTimeMillis() + spec.futureToleranceMs(), quality);
    requireRowsInRange(quality, plan);
    requireFewDrops(quality, spec.maxDroppedFraction());
    timer.lap("read and clean the log");
    Map<String, Long> sourceRows = new LinkedHashMap<>();
    sourceRows.put("log", (long) quality.get(QualityReport.ROWS, "log_in"));
    sourceRows.put("users", requireUnique(raw.users(), "user_id", quality));
    sourceRows.put("videos", requireUnique(raw.videos(), "video_id", quality));
    timer.lap("check users and videos");

    Map<String, String> oracleFlags = raw.oracle().isPresent() ? OracleColumns.flagsOfTasks(spec) : Map.of();
    Dataset<Row> joined = withOracle(impressions(log, raw, spec), raw, oracleFlags).persist(StorageLevel.MEMORY_AND_DISK());
    List<String> days = checkLabelsAndRecordDailyStats(joined, spec, quality);
    Dataset<Row> impressions = Labels.asInt(joined, spec.labelsNeeded().keySet());
    log.unpersist();
    timer.lap("join, labels, daily stats");

    IdMappings mappings = plan.isFull() ? fitOrLoadIdMappings(spark, impressions, spec, lake, days) : storedIdMappings(spark, spec, lake);
    FeatureSchema schema = schema(spec, mappings);
    boolean adding = !plan.isFull() && Delta.exists(spark, lake.features());
    if (adding) requireSameEncoding(spark, lake.features(), schema, mappings.encoding());
    timer.lap("vocabularies and buckets");

    Dataset<Row> encoded = encode(impressions, spec, mappings).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> rowsPerSplit = recordFieldStats(encoded, spec, quality);
    mappings.hashing().recordCollisions(encoded, spec.multiValuedColumns(), quality);
    joined.unpersist();
    timer.lap("encode and field stats");

    // timed apart from the checks: bench/feature-build reads the sequence phase's cost per row from this lap
    String[] written = plan.isFull() ? new String[] {days.get(0), days.get(days.size() - 1)} : new String[] {plan.from(), plan.to()};
    PointInTimeSequences sequences = sequences(spec, schema);
    PointInTimeSequences.Advanced advanced = sequences.advance(spark, sequenceInput(encoded, spec, OracleColumns.columns(oracleFlags)),
        SequenceStateTable.read(spark, lake.sequenceState(), plan.stateVersion(), sequences));
    Map<String, Long> replaced = !adding ? Map.of() : rowsPerSplit(Delta.read(spark, lake.features()).where(dayRange(written)));
    Dataset<Row> rows = output(advanced.rows(), spec, sequences, OracleColumns.columns(oracleFlags));
    write(spark, adding ? alignedToTable(rows, Delta.read(spark, lake.features()).schema(), lake.features()) : rows, lake.features(),
        written, adding);
    long stateVersion = SequenceStateTable.write(spark, lake.sequenceState(), advanced.state(), written[1]);
    advanced.release();
    timer.lap("sequences and write");
    Map<String, String> recorded = new LinkedHashMap<>(raw.lineage(sourceRows));
    recorded.put(IdEncoding.TABLE_PROPERTY, mappings.encoding().toJson());
    recorded.put(FeatureTables.FEATURE_SPEC_PROPERTY, spec.contentJson());
    long tableVersion = verifyAndRecord(spark, lake.features(), new Build(plan, written, days, rowsPerSplit, replaced, stateVersion),
        schema, config, recorded);
    encoded.unpersist();
    timer.lap("verify and properties");

    Dataset<Row> report = quality.toDataset(spark, tableVersion, config.hash());
    Delta.append(report, lake.quality());
    return new FeatureBuildResult(schema, lake.features(), tableVersion, rowsPerSplit, report, written[0], written[1], plan.notes());
  }

  /** A day range with no raw row is a day not delivered: say so rather than build nothing. */
  private static void requireRowsInRange(QualityReport quality, BuildPlan plan) {
    if (!plan.isFull() && quality.get(QualityReport.ROWS, "log_in") <= 0) {
      throw new IllegalArgumentException("the raw log has no row for " + plan.from() + ".." + plan.to()
          + ": ingest the day(s) first (bin/infnet ingest --date=... --log=...)");
    }
  }

  /** What one build wrote: the days of its range, those with rows, rows per split and the state after it. */
  private record Build(BuildPlan plan, String[] range, List<String> days, Map<String, Long> rowsPerSplit,
      Map<String, Long> replacedPerSplit, long stateVersion) {}

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
    Dataset<Row> joined = withProfilesAndContext(log, raw, spec, "log")
        .withColumn(SPLIT, when(col(LogCleaning.DAY).leq(spec.trainEnd()), "train")
            .when(col(LogCleaning.DAY).leq(spec.validEnd()), "valid").otherwise("test"));
    return Labels.derive(splitLists(joined, spec.multiValued()), spec.labelsNeeded());
  }

  /**
   * rows ⋈ users ⋈ videos (marked {@link #USER_KNOWN}, {@link #VIDEO_KNOWN}) with the context fields hour and weekday:
   * the step every feature row takes, logged impression or candidate, so both get the same values for the same input.
   *
   * @param source what the rows are, for the error naming a feature field none of the tables has
   */
  static Dataset<Row> withProfilesAndContext(Dataset<Row> rows, RawInputs raw, FeatureSpec spec, String source) {
    Dataset<Row> withUsers = leftJoin(rows, raw.users().data(), "user_id", USER_KNOWN);
    Dataset<Row> joined = leftJoin(withUsers, raw.videos().data(), "video_id", VIDEO_KNOWN)
        .withColumn("hour", col("hourmin").divide(100).cast("int"))
        .withColumn("weekday", dayofweek(to_date(col(LogCleaning.DAY))));
    List<String> columns = Arrays.asList(joined.columns());
    for (String f : spec.catFields()) {
      if (!columns.contains(f)) {
        throw new IllegalArgumentException("feature field '" + f + "' is not a column of " + source + " ⋈ users ⋈ videos (+ hour, weekday)");
      }
    }
    return joined;
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
   * users/videos; returns the days with rows, in order.
   */
  private static List<String> checkLabelsAndRecordDailyStats(Dataset<Row> impressions, FeatureSpec spec, QualityReport quality) {
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
    return perDay.stream().map(r -> r.getString(0)).toList();
  }

  /**
   * The id mappings of the fields: categorical vocabularies, hashed categorical fields and numeric bucket splits, and
   * which versions of their tables they are (recorded on the feature table and, through it, in every model trained on it).
   */
  record IdMappings(Vocabulary vocabulary, IdHashing hashing, NumericBuckets buckets, IdEncoding encoding) {
    static IdMappings of(Vocabulary vocabulary, long vocabularyVersion, FeatureSpec spec, NumericBuckets buckets, long splitsVersion) {
      IdHashing hashing = new IdHashing(spec.hashBuckets());
      return new IdMappings(vocabulary, hashing, buckets,
          IdEncoding.of(vocabularyVersion, vocabulary.fingerprint(), splitsVersion, buckets.contentHash()).withHashing(hashing.recorded()));
    }

    int cardinality(String categoricalField) {
      return hashing.hashes(categoricalField) ? hashing.cardinality(categoricalField) : vocabulary.cardinality(categoricalField);
    }

    /** Adds the {@code __id_<field>} columns of every field and the {@code multi_<field>} columns. */
    Dataset<Row> encode(Dataset<Row> rows, FeatureSpec spec) {
      List<String> multi = spec.multiValuedColumns();
      List<String> hashed = spec.categorical().stream().filter(hashing::hashes).toList();
      Dataset<Row> ids = vocabulary.encode(rows, spec.vocabularyFields(), multi.stream().filter(f -> !hashing.hashes(f)).toList());
      return buckets.encode(hashing.encode(ids, hashed, multi.stream().filter(hashing::hashes).toList()));
    }
  }

  /** Fitted on the train split and stored, or (features.freeze_vocabulary) the stored ones. */
  private static IdMappings fitOrLoadIdMappings(SparkSession spark, Dataset<Row> impressions, FeatureSpec spec, LakePaths lake,
      List<String> days) {
    if (spec.freezeVocabulary()) return storedIdMappings(spark, spec, lake);
    if (days.get(0).compareTo(spec.trainEnd()) > 0) {
      throw new IllegalArgumentException("no impression falls in the train split (split.train_end=" + spec.trainEnd()
          + ", log days " + days.get(0) + ".." + days.get(days.size() - 1) + "): vocabularies are fitted on train rows only");
    }
    Dataset<Row> train = impressions.where(col(SPLIT).equalTo("train"));
    Vocabulary vocabulary = Vocabulary.fit(train, spec.vocabularyFields(), spec.multiValued().keySet(), spec.minCount());
    NumericBuckets buckets = NumericBuckets.fit(train, spec.numeric(), spec.numericBuckets());
    return IdMappings.of(vocabulary, vocabulary.save(lake.vocabulary()), spec, buckets, buckets.save(spark, lake.bucketSplits()));
  }

  /**
   * The stored vocabularies and splits, each read at the version it is at now: a frozen build's, every day range's (ids
   * must not move between days) and the candidates'.
   */
  static IdMappings storedIdMappings(SparkSession spark, FeatureSpec spec, LakePaths lake) {
    long vocabularyVersion = storedVersion(spark, lake.vocabulary(), "vocabulary");
    long splitsVersion = storedVersion(spark, lake.bucketSplits(), "bucket splits");
    return IdMappings.of(Vocabulary.load(spark, lake.vocabulary(), vocabularyVersion, spec.vocabularyFields()), vocabularyVersion, spec,
        NumericBuckets.load(spark, lake.bucketSplits(), splitsVersion, spec.numeric()), splitsVersion);
  }

  private static long storedVersion(SparkSession spark, String path, String what) {
    if (!Delta.exists(spark, path)) {
      throw new IllegalArgumentException("there is no stored " + what + " at " + path
          + " (features.freeze_vocabulary=true and day ranges reuse the stored one): run a full build first (bin/infnet features)");
    }
    return Delta.version(spark, path);
  }

  /**
   * Days added to a table must have its columns, cardinalities and ids: a refit since it was built (e.g. a full build
   * that stored new vocabularies and then failed) can reorder ids at equal cardinality, and its days would then mean
   * other values than the table's earlier ones.
   */
  private static void requireSameEncoding(SparkSession spark, String table, FeatureSchema schema, IdEncoding encoding) {
    FeatureTables.Pinned current = FeatureTables.pinCurrent(spark, table);
    List<String> problems = new ArrayList<>();
    if (!current.schema().equals(schema)) problems.add("another feature schema (field cardinalities)");
    problems.addAll(current.encoding().differences("the table's", encoding, "this day range's"));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("the feature table at " + table + " was built with other id mappings than the stored ones: "
          + String.join("; ", problems) + ". Run a full build (bin/infnet features without a date range)");
    }
  }

  static FeatureSchema schema(FeatureSpec spec, IdMappings mappings) {
    List<FeatureSchema.Field> fields = new ArrayList<>();
    for (String f : spec.categorical()) fields.add(new FeatureSchema.Field(f, mappings.cardinality(f), spec.maxValues(f)));
    for (String f : spec.numeric()) fields.add(new FeatureSchema.Field(f, mappings.buckets().cardinality(f)));
    List<FeatureSchema.Sequence> sequences = new ArrayList<>();
    for (String s : spec.sequences()) sequences.add(new FeatureSchema.Sequence(s, spec.sequenceMaxLength(), spec.sequenceFields()));
    return new FeatureSchema(fields, sequences, spec.tasks(), spec.gapBuckets());
  }

  /**
   * Adds the {@code cat} array (vocabulary or hash ids of the categorical fields, then bucket ids of the numeric ones) and
   * the {@code multi_<field>} arrays.
   */
  static Dataset<Row> encode(Dataset<Row> impressions, FeatureSpec spec, IdMappings mappings) {
    return mappings.encode(impressions, spec).withColumn(FeatureSchema.CAT_COLUMN, catColumn(spec));
  }

  /** The {@code cat} array of the {@code __id_<field>} columns, in the schema's field order. */
  static Column catColumn(FeatureSpec spec) {
    return array(spec.catFields().stream().map(f -> col(Vocabulary.idColumn(f))).toArray(Column[]::new));
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

  static PointInTimeSequences sequences(FeatureSpec spec, FeatureSchema schema) {
    List<Behaviour> behaviours = new ArrayList<>();
    List<String> fields = spec.sequenceFields();
    int[] positions = fields.stream().mapToInt(schema::fieldIndex).toArray();
    for (String s : spec.sequences()) behaviours.add(new Behaviour(s, FeatureSchema.labelColumn(s), fields, positions));
    return new PointInTimeSequences(behaviours, spec.sequenceMaxLength(), spec.gapBuckets());
  }

  /** The columns the sequence pass reads: keys, split, ids, and the 0/1 label of each behaviour (null: not an event). */
  static Dataset<Row> sequenceInput(Dataset<Row> encoded, FeatureSpec spec, List<String> oracleColumns) {
    List<Column> input = new ArrayList<>(List.of(col("user_id"), col("video_id"), col("time_ms"),
        col(LogCleaning.DAY).as("date"), col(SPLIT), col(FeatureSchema.CAT_COLUMN)));
    for (String f : spec.multiValuedColumns()) input.add(col(FeatureSchema.multiValuedColumn(f)));
    for (String label : spec.labelsNeeded().keySet()) input.add(col(FeatureSchema.labelColumn(label)));
    for (String oracle : oracleColumns) input.add(col(oracle));
    return encoded.select(input.toArray(Column[]::new));
  }

  /** The feature table's columns, in the order of docs/FEATURE_TABLES.md. */
  private static Dataset<Row> output(Dataset<Row> withSequences, FeatureSpec spec, PointInTimeSequences sequences,
      List<String> oracleColumns) {
    List<String> output = featureColumns(spec, sequences);
    for (String task : spec.tasks()) output.add(FeatureSchema.labelColumn(task));
    output.addAll(oracleColumns);
    return withSequences.select(output.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /** Keys and the model's inputs (cat, value lists, sequences): the feature table's columns before the labels. */
  static List<String> featureColumns(FeatureSpec spec, PointInTimeSequences sequences) {
    List<String> columns = new ArrayList<>(FeatureSchema.KEY_COLUMNS);
    columns.add(FeatureSchema.CAT_COLUMN);
    for (String f : spec.multiValuedColumns()) columns.add(FeatureSchema.multiValuedColumn(f));
    columns.addAll(sequences.outputColumns());
    return columns;
  }

  private static Map<String, Long> rowsPerSplit(Dataset<Row> rows) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : rows.groupBy(SPLIT).count().collectAsList()) out.put(r.getString(0), r.getLong(1));
    return out;
  }

  /**
   * Replaces the built days (replaceWhere: a rerun gives the same table) or, when the table is new or its
   * columns changed, the whole table.
   */
  private static void write(SparkSession spark, Dataset<Row> features, String path, String[] days, boolean adding) {
    DataFrameWriter<Row> writer = features.write().format("delta").mode("overwrite").partitionBy("date");
    boolean sameColumns = adding || Delta.exists(spark, path) && sameColumns(Delta.read(spark, path).schema(), features.schema());
    (sameColumns ? writer.option("replaceWhere", dayRange(days)) : writer.option("overwriteSchema", "true")).save(path);
  }

  /**
   * Days added to a table take its columns: an oracle column the new days lack (real data ingested after generated
   * data) is null for them; any other difference is refused rather than rewriting the table's other days.
   */
  private static Dataset<Row> alignedToTable(Dataset<Row> rows, StructType table, String path) {
    List<String> have = Arrays.asList(rows.columns());
    List<Column> columns = new ArrayList<>();
    for (StructField f : table.fields()) {
      if (have.contains(f.name())) columns.add(col(f.name()));
      else if (f.name().startsWith("oracle_")) columns.add(lit(null).cast(f.dataType()).as(f.name()));
      else throw new IllegalArgumentException("the feature table at " + path + " has column " + f.name() + ", which this day range "
          + "would not write: run a full build (bin/infnet features without a date range)");
    }
    Dataset<Row> aligned = rows.select(columns.toArray(Column[]::new));
    if (!sameColumns(table, aligned.schema())) {
      throw new IllegalArgumentException("the feature table at " + path + " has columns " + table.simpleString() + ", this day range "
          + "writes " + aligned.schema().simpleString() + ": run a full build (bin/infnet features without a date range)");
    }
    return aligned;
  }

  private static String dayRange(String[] days) {
    return "date >= '" + days[0] + "' AND date <= '" + days[1] + "'";
  }

  /**
   * Checks the rows landed, then records schema, config, lineage, rows per split of the whole table, the days built
   * and the state after the last one (BuildPlan); returns the table version.
   */
  private static long verifyAndRecord(SparkSession spark, String path, Build build, FeatureSchema schema, InfnetConfig config,
      Map<String, String> lineage) {
    long expected = build.rowsPerSplit().values().stream().mapToLong(Long::longValue).sum();
    // the write's own row count from its commit (a recount of the days was a Spark job per build); without that
    // metric (history metrics turned off) the days are counted again
    long written = Delta.lastCommit(spark, path).rowsWritten()
        .orElseGet(() -> Delta.read(spark, path).where(dayRange(build.range())).count());
    if (written != expected) {
      throw new IllegalStateException("feature table " + path + " holds " + written + " rows for " + build.range()[0] + ".."
          + build.range()[1] + " after the write, expected " + expected);
    }
    Map<String, String> before = Delta.properties(spark, path);
    Map<String, String> props = new LinkedHashMap<>();
    props.put(FeatureSchema.TABLE_PROPERTY, schema.toJson());
    props.put(FeatureTables.CONFIG_HASH_PROPERTY, config.hash());
    props.put(FeatureTables.CONFIG_PROPERTY, config.toJson());
    props.put("infnet.dates", tableDates(before, build));
    Map<String, Long> perSplit = new TreeMap<>(build.rowsPerSplit());
    if (!build.plan().isFull()) {
      for (String split : List.of("train", "valid", "test")) {
        long total = Long.parseLong(before.getOrDefault("infnet.rows." + split, "0")) - build.replacedPerSplit().getOrDefault(split, 0L)
            + build.rowsPerSplit().getOrDefault(split, 0L);
        if (total > 0 || before.containsKey("infnet.rows." + split)) perSplit.put(split, total);
      }
    }
    perSplit.forEach((split, n) -> props.put("infnet.rows." + split, String.valueOf(n)));
    props.putAll(lineage);
    String now = java.time.Instant.now().toString();
    for (String day : build.days()) props.put(BuildPlan.BUILT_PREFIX + day, now);
    props.put(BuildPlan.STATE_PREFIX + build.range()[1], String.valueOf(build.stateVersion()));
    Delta.unsetProperties(spark, path, outdated(before, build, props));
    Delta.setProperties(spark, path, props);
    return Delta.version(spark, path);
  }

  /**
   * Day properties the build made wrong: a full build's every other day mark; a range's marks of days it found empty
   * and its states before its last day (those days were rebuilt; a state after them stays right: same raw input).
   */
  private static List<String> outdated(Map<String, String> before, Build build, Map<String, String> props) {
    List<String> out = new ArrayList<>();
    for (String key : before.keySet()) {
      boolean dayMark = key.startsWith(BuildPlan.BUILT_PREFIX) || key.startsWith(BuildPlan.STATE_PREFIX);
      if (!dayMark || props.containsKey(key)) continue;
      String day = key.substring(key.lastIndexOf('.') + 1);
      boolean inRange = day.compareTo(build.range()[0]) >= 0 && day.compareTo(build.range()[1]) <= 0;
      if (build.plan().isFull() || inRange) out.add(key);
    }
    return out;
  }

  /** First..last day of the whole table after this build. */
  private static String tableDates(Map<String, String> before, Build build) {
    String first = build.range()[0], last = build.range()[1];
    String previous = before.get("infnet.dates");
    if (!build.plan().isFull() && previous != null && previous.contains("..")) {
      String[] p = previous.split("\\.\\.");
      if (p[0].compareTo(first) < 0) first = p[0];
      if (p[1].compareTo(last) > 0) last = p[1];
    }
    return first + ".." + last;
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
