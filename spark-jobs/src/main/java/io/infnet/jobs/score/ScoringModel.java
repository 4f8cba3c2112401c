package io.infnet.jobs.score;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.jobs.JobFailure;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.jobs.registry.ModelStore;
import io.infnet.ml.InfnetModel;
import io.infnet.model.ModelSpec;
import io.infnet.model.io.ModelExport;
import io.infnet.model.io.Provenance;
import io.infnet.model.io.SchemaDifferences;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The registered model a scoring or evaluation run uses, checked against the feature table before any row is scored.
 * Its architecture comes from the manifest alone: the driver never loads the weights.
 */
public record ScoringModel(ModelStore.Artifact artifact, ModelSpec spec, Optional<Provenance> provenance) {

  /** The version {@code score.model} names, refused (one line) unless it fits the snapshot. */
  public static ScoringModel open(SparkSession spark, InfnetConfig config, String modelsRoot, FeatureSnapshot snapshot)
      throws IOException {
    return open(spark, config, modelsRoot, snapshot.schema(), snapshot.encoding(),
        "feature table " + snapshot.path() + " (Delta version " + snapshot.version() + ")");
  }

  /**
   * The model of train.model_name / score.model, checked against rows of {@code schema} encoded with the id mappings
   * {@code encoding} ({@code rows} names them in the error).
   */
  public static ScoringModel open(SparkSession spark, InfnetConfig config, String modelsRoot, FeatureSchema schema,
      IdEncoding encoding, String rows) throws IOException {
    ModelStore registry = new ModelRegistry(modelsRoot, spark.sparkContext().hadoopConfiguration());
    ScoringModel model = read(registry, registry.resolve(config.get(Keys.TRAIN_MODEL_NAME), config.get(Keys.SCORE_MODEL)));
    model.misfit(schema, encoding, rows).ifPresent(problem -> {
      throw new JobFailure(problem);
    });
    return model;
  }

  /** A registered version as stored, not yet checked against any table: the caller decides what a misfit means. */
  public static ScoringModel read(ModelStore registry, ModelStore.Entry entry) throws IOException {
    ModelStore.Artifact artifact = registry.read(entry);
    return new ScoringModel(artifact, ModelExport.specOf(artifact.manifest()), ModelExport.provenanceOf(artifact.manifest()));
  }

  /** Why this model must not score the snapshot's rows (its feature schema or id mappings differ); empty when it fits. */
  public Optional<String> misfit(FeatureSnapshot snapshot) {
    return misfit(snapshot.schema(), snapshot.encoding(),
        "feature table " + snapshot.path() + " (Delta version " + snapshot.version() + ")");
  }

  private Optional<String> misfit(FeatureSchema schema, IdEncoding encoding, String rows) {
    List<String> problems = new ArrayList<>(SchemaDifferences.between(spec.schema(), schema));
    encodingMismatch(provenance, encoding).ifPresent(problems::add);
    if (problems.isEmpty()) return Optional.empty();
    return Optional.of("model " + entry().name() + " v" + entry().version() + " does not fit " + rows + ": " + String.join("; ", problems));
  }

  /** This version as a Spark ML model: the one prediction path of score, evaluate and promote. */
  public InfnetModel sparkModel(InfnetConfig config) {
    return InfnetModel.of(artifact.manifest(), artifact.weights()).setBatchSize(config.get(Keys.SCORE_BATCH_SIZE));
  }

  /** The feature schema the model was trained on. */
  public FeatureSchema schema() {
    return spec.schema();
  }

  public ModelStore.Entry entry() {
    return artifact.entry();
  }

  /**
   * Ids mean values only through the vocabulary and bucket splits they were encoded with: a model trained on one must
   * not score rows encoded with another, even if every cardinality happens to match (a refit reorders ids). A mapping
   * not recorded on either side (a model or table from before they were recorded) passes.
   */
  public static Optional<String> encodingMismatch(Optional<Provenance> provenance, IdEncoding rows) {
    Provenance.Features trained = provenance.map(Provenance::features).orElse(null);
    if (trained == null) return Optional.empty();
    List<String> differences = trained.encoding().differences("the model's", rows, "the rows'");
    if (differences.isEmpty()) return Optional.empty();
    return Optional.of(String.join("; ", differences) + " (the model was trained on " + trained.path() + " at Delta version "
        + trained.deltaVersion() + "): the same id would mean another value. Score with the model's mappings (restore them and "
        + "rebuild with features.freeze_vocabulary=true: docs/DATA_POLICY.md, \"A model whose vocabulary is gone\"), or retrain");
  }
}
