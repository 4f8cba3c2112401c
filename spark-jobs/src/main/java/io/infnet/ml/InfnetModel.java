package io.infnet.ml;

import io.infnet.features.FeatureEncoder;
import io.infnet.jobs.dist.DistributedTrainer;
import io.infnet.jobs.score.BatchScorer;
import io.infnet.jobs.score.ScoringModel;
import io.infnet.lake.Checksums;
import io.infnet.model.ModelSpec;
import io.infnet.model.io.ModelExport;
import io.infnet.model.io.ModelManifest;
import io.infnet.model.io.Provenance;
import io.infnet.schema.FeatureSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A trained INFNet (or baseline) model as a Spark ML {@link Model}: {@code transform} appends one float column
 * {@code <predictionCol><task>} per task to the rows of a feature table, predicted on the executors exactly as
 * {@code bin/infnet score} predicts (the same scorer). Saved as the registry's files ({@code model.safetensors},
 * {@code manifest.json}, docs/MODEL_FORMAT.md) plus Spark ML's {@code metadata/}: {@link #load} reads a model the CLI
 * registered ({@code lake/models/<name>/<version>}) and the registry's readers read a saved one.
 */
public final class InfnetModel extends Model<InfnetModel> implements MLWritable, ScoringParams {
  private final String uid;
  private final byte[] manifest;
  private final byte[] weights;
  private final transient ModelManifest parsed;
  private final Param<String> predictionCol;
  private final Param<String> handleInvalid;
  private final IntParam batchSize;
  private transient DistributedTrainer.Result trainingResult;

  InfnetModel(String uid, byte[] manifest, byte[] weights) {
    this.uid = uid;
    this.manifest = manifest;
    this.weights = weights;
    this.parsed = ModelManifest.parse(manifest);
    String sha = Checksums.sha256(weights);
    if (!sha.equals(parsed.weightsSha256())) {
      throw new IllegalArgumentException(ModelExport.WEIGHTS_FILE + " is corrupted or was modified: sha256 " + sha
          + ", the manifest records " + parsed.weightsSha256());
    }
    this.predictionCol = ScoringParams.predictionCol(this);
    this.handleInvalid = ScoringParams.handleInvalid(this);
    this.batchSize = ScoringParams.batchSize(this);
    setDefault(predictionCol, BatchScorer.PREDICTION_PREFIX);
    setDefault(handleInvalid, spec().mapsOutOfRangeToOov() ? ScoringParams.OOV : ScoringParams.ERROR); // the model's own policy
    setDefault(batchSize, io.infnet.config.Keys.SCORE_BATCH_SIZE.defaultValue());
  }

  /** The model of the registry's two files (their bytes); refused if the weights do not match the manifest's sha256. */
  public static InfnetModel of(byte[] manifest, byte[] weights) {
    return new InfnetModel("InfnetModel_" + UUID.randomUUID().toString().substring(0, 12), manifest, weights);
  }

  /** Reads a saved model or a registered version folder ({@code lake/models/infnet/3}). */
  public static InfnetModel load(String path) {
    return read().load(path);
  }

  public static MLReader<InfnetModel> read() {
    return new InfnetModelIo.Reader();
  }

  @Override
  public MLWriter write() {
    return new InfnetModelIo.Writer(this);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return predict(dataset, Arrays.asList(dataset.columns()));
  }

  /**
   * The predictions beside only the {@code keep} columns of {@code dataset}: what the CLI's jobs write (the feature
   * arrays are not carried through the scorer). {@link #transform} is this with every column kept.
   */
  public Dataset<Row> predict(Dataset<?> dataset, List<String> keep) {
    transformSchema(dataset.schema());
    return BatchScorer.score(dataset.toDF(), manifest, weights, spec().schema(), getBatchSize(),
        ScoringParams.OOV.equals(getHandleInvalid()), keep, getPredictionCol());
  }

  /**
   * The input's columns and one float per task; fails before any work on a missing id column or a wrong type, and on
   * ids a {@link FeatureEncoder} encoded with other mappings than the model was trained on (naming both versions).
   */
  @Override
  public StructType transformSchema(StructType schema) {
    InputColumns.check(schema, spec().schema(), false, uid);
    FeatureEncoder.encodingOf(schema).flatMap(rows -> ScoringModel.encodingMismatch(provenance(), rows)).ifPresent(m -> {
      throw new IllegalArgumentException(uid + ": the input's " + FeatureSchema.CAT_COLUMN + " ids were encoded by a FeatureEncoder "
          + "with other id mappings: " + m);
    });
    return InputColumns.withPredictions(schema, spec().schema().tasks(), getPredictionCol(), uid);
  }

  @Override
  public InfnetModel copy(ParamMap extra) {
    return copyValues(new InfnetModel(uid, manifest, weights), extra).setParent(parent());
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The architecture and feature schema the manifest records. */
  public ModelSpec spec() {
    return parsed.spec();
  }

  /** Where the model came from (config, feature table and its id mappings, run); empty for a model saved without one. */
  public Optional<Provenance> provenance() {
    return parsed.recordedProvenance();
  }

  /**
   * The trainer's account of the run that fitted this model in this JVM (per-epoch history, steps, timings: what the CLI
   * reports and appends to training_runs); empty for a loaded or copied model.
   */
  public Optional<DistributedTrainer.Result> trainingResult() {
    return Optional.ofNullable(trainingResult);
  }

  InfnetModel withTrainingResult(DistributedTrainer.Result result) {
    this.trainingResult = result;
    return this;
  }

  /** The weights file ({@code model.safetensors}) as the manifest's sha256 names it: what a registry publishes. */
  public byte[] weightsFile() {
    return weights.clone();
  }

  byte[] manifestBytes() {
    return manifest;
  }

  byte[] weightsBytes() {
    return weights;
  }

  @Override
  public Param<String> predictionCol() {
    return predictionCol;
  }

  @Override
  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  @Override
  public IntParam batchSize() {
    return batchSize;
  }

  public InfnetModel setPredictionCol(String prefix) {
    return (InfnetModel) set(predictionCol, prefix);
  }

  public InfnetModel setHandleInvalid(String policy) {
    return (InfnetModel) set(handleInvalid, policy);
  }

  public InfnetModel setBatchSize(int rows) {
    return (InfnetModel) set(batchSize, rows);
  }
}
