package io.infnet.features;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import io.infnet.features.spark.Delta;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * The feature build's fitted id mappings (vocabularies, hashed fields, numeric bucket splits) as a fitted Spark ML stage:
 * {@code transform} adds to raw rows (one column per feature field, e.g. log ⋈ users ⋈ videos with hour and weekday:
 * {@link #withProfiles}) the model's id columns {@code cat} and {@code multi_<field>}, encoded by the build's own code, so
 * {@code Pipeline(encoder, InfnetEstimator)} fits and scores raw rows. The {@code cat} column carries the mappings'
 * {@link IdEncoding} in its metadata ({@value #ID_ENCODING_METADATA}): a model refuses ids of other mappings. Behaviour
 * sequences are not per-row values (they come from each user's history) and pass through: the rows bring their
 * {@code seq_*} columns. Saved with its mappings (MLWritable), so a saved pipeline no longer needs the lake.
 */
public final class FeatureEncoder extends Model<FeatureEncoder> implements MLWritable {
  /** Key of the {@code cat} column's metadata holding the encoding's {@link IdEncoding} JSON. */
  public static final String ID_ENCODING_METADATA = IdEncoding.TABLE_PROPERTY;
  public static final String OOV = "oov", ERROR = "error";

  private static final String FEATURE_SPEC = FeatureTables.FEATURE_SPEC_PROPERTY;

  private final String uid;
  final transient FeatureSpec spec;
  final transient FeatureBuilder.IdMappings mappings;
  private final Param<String> handleInvalid;

  FeatureEncoder(String uid, FeatureSpec spec, FeatureBuilder.IdMappings mappings) {
    this.uid = uid;
    this.spec = spec;
    this.mappings = mappings;
    handleInvalid = new Param<>(this, "handleInvalid",
        "a categorical value outside its vocabulary: oov (id 0, as the feature build encodes it) or error (stop naming it)",
        (Function1<String, Object>) v -> OOV.equals(v) || ERROR.equals(v));
    setDefault(handleInvalid, OOV);
  }

  /**
   * The mappings a feature table's rows were encoded with: its recorded vocabulary and bucket splits versions, read from
   * the tables beside it ({@code <lake>/features/vocabulary}, {@code bucket_splits}), refused if their content is not
   * what the table recorded (a vacuumed or rewritten version).
   */
  public static FeatureEncoder fromTable(SparkSession spark, String featureTable) {
    FeatureTables.Pinned table = FeatureTables.pinCurrent(spark, featureTable);
    String specJson = table.properties().get(FEATURE_SPEC);
    IdEncoding recorded = table.encoding();
    if (specJson == null || recorded.vocabulary() == null || recorded.bucketSplits() == null) {
      throw new IllegalArgumentException("the feature table at " + featureTable + " records no " + FEATURE_SPEC + " or "
          + IdEncoding.TABLE_PROPERTY + " (built before they existed): rebuild it (bin/infnet features)");
    }
    FeatureSpec spec = FeatureSpec.fromContentJson(specJson, featureTable + " " + FEATURE_SPEC);
    String folder = featureTable.substring(0, featureTable.replaceAll("/+$", "").lastIndexOf('/'));
    long vocabularyVersion = recorded.vocabulary().deltaVersion(), splitsVersion = recorded.bucketSplits().deltaVersion();
    Vocabulary vocabulary = Vocabulary.of(Delta.readVersion(spark, folder + "/vocabulary", vocabularyVersion), spec.vocabularyFields());
    NumericBuckets buckets = NumericBuckets.of(Delta.readVersion(spark, folder + "/bucket_splits", splitsVersion),
        "the bucket splits at " + folder + "/bucket_splits", spec.numeric());
    FeatureBuilder.IdMappings mappings = FeatureBuilder.IdMappings.of(vocabulary, vocabularyVersion, spec, buckets, splitsVersion);
    requireSame(recorded, "the feature table " + featureTable + "'s", mappings.encoding(), "the stored tables'");
    return new FeatureEncoder("FeatureEncoder_" + UUID.randomUUID().toString().substring(0, 12), spec, mappings);
  }

  static void requireSame(IdEncoding expected, String whose, IdEncoding actual, String theirs) {
    List<String> differences = expected.differences(whose, actual, theirs);
    if (!differences.isEmpty()) throw new IllegalArgumentException(String.join("; ", differences));
  }

  public static FeatureEncoder load(String path) {
    return read().load(path);
  }

  public static MLReader<FeatureEncoder> read() {
    return new FeatureEncoderIo.Reader();
  }

  @Override
  public MLWriter write() {
    return new FeatureEncoderIo.Writer(this);
  }

  /** The id mappings this stage encodes with (vocabulary and bucket splits versions and hashes, hashing). */
  public IdEncoding encoding() {
    return mappings.encoding();
  }

  /** The encoding recorded on a {@code cat} column by this stage; empty for ids of another origin (a feature table's). */
  public static Optional<IdEncoding> encodingOf(StructType schema) {
    if (!Arrays.asList(schema.fieldNames()).contains(FeatureSchema.CAT_COLUMN)) return Optional.empty();
    Metadata m = schema.apply(FeatureSchema.CAT_COLUMN).metadata();
    return m.contains(ID_ENCODING_METADATA) ? Optional.of(IdEncoding.fromJson(m.getString(ID_ENCODING_METADATA))) : Optional.empty();
  }

  /**
   * Log-shaped rows (the raw log's columns) joined as the feature build joins them: ⋈ users ⋈ videos of the lake at
   * {@code lakeRoot}, with the context fields hour and weekday: the raw rows {@link #transform} reads.
   */
  public Dataset<Row> withProfiles(Dataset<Row> logRows, String lakeRoot) {
    RawInputs raw = RawInputs.load(logRows.sparkSession(), new io.infnet.lake.LakePaths(lakeRoot));
    return FeatureBuilder.withProfilesAndContext(LogCleaning.withDay(logRows), raw, spec, "the rows")
        .drop(LogCleaning.DAY, FeatureBuilder.USER_KNOWN, FeatureBuilder.VIDEO_KNOWN);
  }

  /** The input's columns, unchanged, and {@code cat} and {@code multi_<field>} (array&lt;int&gt;) encoded from them. */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    List<String> input = Arrays.asList(dataset.columns());
    Dataset<Row> rows = dataset.toDF();
    for (String f : spec.multiValued().keySet()) rows = rows.withColumn(rawCopy(f), col(f));
    Dataset<Row> ids = checked(mappings.encode(FeatureBuilder.splitLists(rows, spec.multiValued()), spec));
    List<Column> columns = new ArrayList<>();
    for (String c : input) columns.add(col(spec.multiValued().containsKey(c) ? rawCopy(c) : c).as(c));
    columns.add(FeatureBuilder.catColumn(spec).as(FeatureSchema.CAT_COLUMN, out.apply(FeatureSchema.CAT_COLUMN).metadata()));
    for (String f : spec.multiValuedColumns()) columns.add(col(FeatureSchema.multiValuedColumn(f)));
    return ids.select(columns.toArray(Column[]::new));
  }

  private static String rawCopy(String field) {
    return "__raw_" + field;
  }

  /**
   * With {@code handleInvalid=error}, a vocabulary field's id column that stops the job on a non-null value outside the
   * vocabulary, naming the field and the value; with {@code oov} the ids as encoded (0).
   */
  private Dataset<Row> checked(Dataset<Row> ids) {
    if (!ERROR.equals(getHandleInvalid())) return ids;
    Dataset<Row> out = ids;
    for (String f : spec.vocabularyFields()) {
      String id = Vocabulary.idColumn(f);
      boolean listed = spec.multiValuedColumns().contains(f);
      Column value = listed ? array_join(col(Vocabulary.valuesColumn(f)), ",") : Vocabulary.valueOf(f);
      Column invalid = listed ? exists(col(FeatureSchema.multiValuedColumn(f)), x -> x.equalTo(0)) : col(f).isNotNull().and(col(id).equalTo(0));
      Column error = raise_error(concat(lit(uid + ": column '" + f + "' has value '"), value,
          lit("', which is not in its vocabulary (" + mappings.encoding().summary() + "); handleInvalid=oov encodes it as 0")));
      out = out.withColumn(id, when(invalid, error).otherwise(col(id)));
    }
    return out;
  }

  /**
   * Every feature field must be a column: categorical ones a string, number or boolean (keyed by its string form, as the
   * build keys it: KuaiRand's onehot_feat columns are doubles), numeric ones numbers; the
   * output names {@code cat} and {@code multi_<field>} must be free. Fails naming the column, before any work.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String f : spec.categorical()) requireField(schema, names, f, true);
    for (String f : spec.numeric()) requireField(schema, names, f, false);
    List<String> outputs = new ArrayList<>(List.of(FeatureSchema.CAT_COLUMN));
    for (String f : spec.multiValuedColumns()) outputs.add(FeatureSchema.multiValuedColumn(f));
    DataType ids = DataTypes.createArrayType(DataTypes.IntegerType);
    StructType out = schema;
    for (String c : outputs) {
      if (names.contains(c)) {
        throw new IllegalArgumentException(uid + ": the input already has a column '" + c + "', which this stage writes: drop it first");
      }
      Metadata m = c.equals(FeatureSchema.CAT_COLUMN)
          ? new MetadataBuilder().putString(ID_ENCODING_METADATA, mappings.encoding().toJson()).build() : Metadata.empty();
      out = out.add(new StructField(c, ids, true, m));
    }
    return out;
  }

  private void requireField(StructType schema, List<String> names, String field, boolean categorical) {
    String expected = categorical ? "a string, number or boolean" : "a number";
    if (!names.contains(field)) {
      throw new IllegalArgumentException(uid + ": the input has no column '" + field + "' (feature field; expected " + expected
          + "); its columns are " + names);
    }
    DataType t = schema.apply(field).dataType();
    boolean fits = t instanceof NumericType || categorical && (t instanceof StringType || t instanceof BooleanType);
    if (!fits) {
      throw new IllegalArgumentException(uid + ": column '" + field + "' is " + t.simpleString() + ", expected " + expected);
    }
  }

  @Override
  public FeatureEncoder copy(ParamMap extra) {
    return copyValues(new FeatureEncoder(uid, spec, mappings), extra).setParent(parent());
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  public String getHandleInvalid() {
    return getOrDefault(handleInvalid);
  }

  public FeatureEncoder setHandleInvalid(String policy) {
    return (FeatureEncoder) set(handleInvalid, policy);
  }
}
