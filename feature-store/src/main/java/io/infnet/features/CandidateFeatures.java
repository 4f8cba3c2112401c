package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.infnet.config.InfnetConfig;
import io.infnet.features.raw.InvalidInput;
import io.infnet.features.raw.RawInput;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Feature rows for a candidates table ({@code bin/infnet score --candidates=PATH}): requests to rank, not logged
 * impressions. They take the feature build's own steps (join, context fields, value lists, encoding with the stored
 * vocabularies and bucket splits, point-in-time sequences), so a candidate gets what a logged impression at the same
 * time would get; its sequences continue the sequence state after the feature table's last built day and hold only
 * events strictly before its request time. docs/FEATURE_TABLES.md ("Candidate features") and docs/DATA_POLICY.md
 * ("Candidates") say what is refused and what is counted.
 */
public final class CandidateFeatures {
  /** The candidates' {@code split}: they belong to no train/valid/test split. */
  public static final String SPLIT_VALUE = "candidate";
  private static final String NOTHING_SCORED = "; nothing was scored (docs/DATA_POLICY.md, Candidates)";

  private CandidateFeatures() {}

  /** A candidates table that cannot be scored (unreadable, wrong columns, null or invalid keys, no rows): nothing is scored. */
  public static final class InvalidCandidates extends IllegalArgumentException {
    InvalidCandidates(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * What the candidate rows are, for the job's summary and the model check.
   *
   * @param dates                 the candidates' days (yyyy-MM-dd), ascending: the prediction partitions they replace
   * @param unknownUsers          rows whose user_id encodes to OOV (not in the stored vocabulary), scored with id 0
   * @param unknownVideos         the same for video_id
   * @param stateDay              the last built day: sequences hold the events up to its end (and strictly before each request)
   * @param staleHistory          stateDay is before the day before the first candidate day: at least one day of events is missing
   * @param encoding              the id mappings the ids were encoded with (a model must have been trained on the same)
   */
  public record Summary(long rows, List<String> dates, long unknownUsers, long unknownVideos, String stateDay,
      long stateVersion, boolean staleHistory, IdEncoding encoding) {
    public Summary {
      dates = List.copyOf(dates);
    }
  }

  /** The built rows: the feature table's columns without labels ({@code split} = {@value #SPLIT_VALUE}). */
  public static final class Built {
    private final Dataset<Row> rows;
    private final FeatureSchema schema;
    private final Summary summary;
    private final Runnable release;

    private Built(Dataset<Row> rows, FeatureSchema schema, Summary summary, Runnable release) {
      this.rows = rows;
      this.schema = schema;
      this.summary = summary;
      this.release = release;
    }

    public Dataset<Row> rows() {
      return rows;
    }

    /** The feature schema of the rows: the stored vocabularies' and bucket splits' cardinalities, the config's tasks. */
    public FeatureSchema schema() {
      return schema;
    }

    public Summary summary() {
      return summary;
    }

    /** Frees the cached inputs of the rows; call once they were used (scored and written). */
    public void release() {
      release.run();
    }
  }

  /**
   * The candidates file (CSV, Parquet or Delta) read and checked like an ingested log ({@link RawInput}: columns by name,
   * every value's type, keys present, ids >= 0, time_ms and date agreeing), so a bad file is refused naming its row,
   * column and value.
   */
  public static Dataset<Row> read(SparkSession spark, String path) {
    try {
      return RawInput.read(spark, path, RawSchemas.CANDIDATES, false).data();
    } catch (InvalidInput e) {
      throw new InvalidCandidates(e.problem() + NOTHING_SCORED, e);
    }
  }

  /**
   * The candidates' feature rows, encoded as the feature table of {@code config}'s lake is.
   *
   * @throws InvalidCandidates for null keys, invalid dates or hourmins, no rows, or a feature column they lack
   */
  public static Built build(SparkSession spark, InfnetConfig config, Dataset<Row> candidates) {
    FeatureSpec spec = FeatureSpec.of(config);
    LakePaths lake = LakePaths.of(config);
    History history = History.latest(spark, lake, spec);
    Dataset<Row> requests = LogCleaning.withDay(checked(candidates));
    FeatureBuilder.IdMappings mappings = FeatureBuilder.storedIdMappings(spark, spec, lake);
    FeatureSchema schema = FeatureBuilder.schema(spec, mappings);

    Dataset<Row> encoded = FeatureBuilder.encode(unlabelled(joined(requests, RawInputs.load(spark, lake), spec), spec), spec, mappings)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Summary summary = summarize(encoded, spec, history, mappings.encoding());
    PointInTimeSequences sequences = FeatureBuilder.sequences(spec, schema);
    PointInTimeSequences.Advanced advanced = sequences.advance(spark, FeatureBuilder.sequenceInput(encoded, spec, List.of()),
        SequenceStateTable.read(spark, lake.sequenceState(), history.version(), sequences));
    Dataset<Row> rows = advanced.rows().select(FeatureBuilder.featureColumns(spec, sequences).stream().map(c -> col(c)).toArray(Column[]::new));
    return new Built(rows, schema, summary, () -> {
      advanced.release();
      encoded.unpersist();
    });
  }

  /** Joined and split into value lists like log rows; a feature column missing from every table is refused by name. */
  private static Dataset<Row> joined(Dataset<Row> requests, RawInputs raw, FeatureSpec spec) {
    try {
      return FeatureBuilder.splitLists(FeatureBuilder.withProfilesAndContext(requests, raw, spec, "candidates"), spec.multiValued())
          .withColumn(FeatureBuilder.SPLIT, lit(SPLIT_VALUE));
    } catch (IllegalArgumentException e) {
      throw new InvalidCandidates(e.getMessage() + ": add it to the candidates (an x_ column of the log is an x_ column of "
          + "the candidates too)", e);
    }
  }

  /** A candidate has no outcome: null labels, so that no candidate is an event of any sequence. */
  private static Dataset<Row> unlabelled(Dataset<Row> rows, FeatureSpec spec) {
    Dataset<Row> out = rows;
    for (String label : spec.labelsNeeded().keySet()) out = out.withColumn(FeatureSchema.labelColumn(label), lit(null).cast("int"));
    return out;
  }

  /**
   * Refuses, rather than drops, a date or hourmin in the wrong format: a candidate left out would silently get no
   * prediction. Null keys and an empty file are {@link RawInput}'s refusals, before this.
   */
  private static Dataset<Row> checked(Dataset<Row> candidates) {
    Column badDate = col("date").isNotNull().and(not(LogCleaning.validDate()));
    Column badHourmin = col("hourmin").isNotNull().and(not(LogCleaning.validHourmin()));
    Row r;
    try {
      r = candidates.agg(count(when(badDate, 1)), min(when(badDate, col("date"))),
          count(when(badHourmin, 1)), min(when(badHourmin, col("hourmin")))).first();
    } catch (Exception e) {
      throw new InvalidCandidates("cannot be read: " + innermostMessage(e), e);
    }
    List<String> problems = new ArrayList<>();
    if (r.getLong(0) > 0) problems.add(String.format("%,d rows have a date that is not a day as yyyyMMdd (e.g. %s)", r.getLong(0), r.get(1)));
    if (r.getLong(2) > 0) problems.add(String.format("%,d rows have an hourmin that is not HHmm (e.g. %s)", r.getLong(2), r.get(3)));
    if (!problems.isEmpty()) {
      throw new InvalidCandidates(String.join("; ", problems) + NOTHING_SCORED, null);
    }
    return candidates;
  }

  /** One pass over the encoded rows: rows and unknown ids per day. */
  private static Summary summarize(Dataset<Row> encoded, FeatureSpec spec, History history, IdEncoding encoding) {
    long rows = 0, users = 0, videos = 0;
    List<String> dates = new ArrayList<>();
    for (Row r : encoded.groupBy(LogCleaning.DAY).agg(count(lit(1)), unknown(spec, "user_id", FeatureBuilder.USER_KNOWN),
        unknown(spec, "video_id", FeatureBuilder.VIDEO_KNOWN)).orderBy(LogCleaning.DAY).collectAsList()) {
      dates.add(r.getString(0));
      rows += r.getLong(1);
      users += r.getLong(2);
      videos += r.getLong(3);
    }
    boolean stale = LocalDate.parse(history.day()).plusDays(1).isBefore(LocalDate.parse(dates.get(0)));
    return new Summary(rows, dates, users, videos, history.day(), history.version(), stale, encoding);
  }

  /**
   * Rows whose id is OOV in its vocabulary; when the id has no vocabulary (no feature, or hashed: never OOV), rows whose id
   * is not in its raw table.
   */
  private static Column unknown(FeatureSpec spec, String field, String knownMarker) {
    Column oov = spec.vocabularyFields().contains(field) ? col(Vocabulary.idColumn(field)).equalTo(0) : col(knownMarker).isNull();
    return count(when(oov, 1));
  }

  /** The sequence state after the feature table's last built day, and that day. */
  private record History(String day, long version) {
    static History latest(SparkSession spark, LakePaths lake, FeatureSpec spec) {
      String table = lake.features();
      if (!Delta.exists(spark, table)) {
        throw new IllegalArgumentException("there is no feature table at " + table + ": candidates are scored from its history "
            + "(run bin/infnet features first)");
      }
      Map<String, String> props = Delta.properties(spark, table);
      if (!spec.contentJson().equals(props.get(FeatureTables.FEATURE_SPEC_PROPERTY))) {
        throw new IllegalArgumentException("the feature table at " + table + " was built with other feature, task or split keys "
            + "than this config's: its sequence state cannot give this config's candidate features; score with the build's config");
      }
      TreeMap<String, Long> states = BuildPlan.states(props);
      if (states.isEmpty()) {
        throw new IllegalArgumentException("the feature table at " + table + " records no sequence state (" + BuildPlan.STATE_PREFIX
            + "<day>): rebuild it (bin/infnet features)");
      }
      return new History(states.lastKey(), states.lastEntry().getValue());
    }
  }

  private static String innermostMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
