package io.infnet.model.io;

import io.infnet.lake.Checksums;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.RankingModel;
import io.infnet.model.nn.Module.NamedParameter;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model on disk: {@code dir/model.safetensors} (every weight, float32, names and layouts in docs/MODEL_FORMAT.md)
 * and {@code dir/manifest.json} (format, architecture, feature schema, caller provenance, parameter count, sha256 of
 * the weights). Loading verifies the format and the checksum, and can refuse a feature schema other than expected.
 */
public final class ModelExport {
  public static final String FORMAT = ModelManifest.FORMAT;
  public static final String WEIGHTS_FILE = "model.safetensors";
  public static final String MANIFEST_FILE = "manifest.json";

  private ModelExport() {}

  /** Writes the weights and the manifest; {@code provenance} may be null (a model built outside a training run). */
  public static void save(RankingModel model, Path dir, Provenance provenance) throws IOException {
    NetworkModel network = network(model);
    byte[] weights = network.safetensors(network.weightsByName());
    write(dir, manifest(model.spec(), weights, provenance), weights);
  }

  /**
   * The manifest of a model of {@code spec} whose weights file is {@code weights} (the safetensors bytes of
   * {@link NetworkModel#safetensors}, e.g. a training checkpoint's, published as they are).
   */
  public static byte[] manifest(ModelSpec spec, byte[] weights, Provenance provenance) {
    long parameters = 0;
    for (SafeTensors.Tensor t : SafeTensors.read(weights).tensors().values()) parameters += t.values().length;
    return ModelManifest.of(spec, parameters, Checksums.sha256(weights), provenance).toJson();
  }

  /**
   * Writes a model's two files into {@code dir}. Not atomic by itself: the registry writes into a private folder and
   * publishes the folder whole ({@code AtomicPublish} in spark-jobs), the one place where readers may look.
   */
  public static void write(Path dir, byte[] manifest, byte[] weights) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(WEIGHTS_FILE), weights);
    Files.write(dir.resolve(MANIFEST_FILE), manifest);
  }

  public static RankingModel load(Path dir) throws IOException {
    return load(Files.readAllBytes(dir.resolve(MANIFEST_FILE)), Files.readAllBytes(dir.resolve(WEIGHTS_FILE)));
  }

  /** Loads, refusing a model trained on another feature schema (the message names every difference). */
  public static RankingModel load(Path dir, FeatureSchema expected) throws IOException {
    FeatureSchema actual = readManifest(dir).featureSchema();
    List<String> differences = SchemaDifferences.between(actual, expected);
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException("model " + dir + " was trained on another feature schema: " + String.join("; ", differences));
    }
    return load(dir);
  }

  /** The architecture a manifest records, read without loading (or even reading) the weights. */
  public static ModelSpec specOf(byte[] manifestJson) {
    return ModelManifest.parse(manifestJson).spec();
  }

  /** The provenance a manifest records; empty for a model saved without one. */
  public static Optional<Provenance> provenanceOf(byte[] manifestJson) {
    return ModelManifest.parse(manifestJson).recordedProvenance();
  }

  /** Loads from bytes (executors receive them by broadcast). */
  public static RankingModel load(byte[] manifestJson, byte[] safetensors) {
    ModelManifest manifest = ModelManifest.parse(manifestJson);
    String expectedSha = manifest.weightsSha256();
    String actualSha = Checksums.sha256(safetensors);
    if (!actualSha.equals(expectedSha)) {
      throw new IllegalArgumentException(WEIGHTS_FILE + " is corrupted or was modified: sha256 " + actualSha
          + ", the manifest records " + expectedSha);
    }
    ModelSpec spec = manifest.spec();
    NetworkModel model = (NetworkModel) Models.create(spec, 0);
    try {
      Map<String, float[]> weights = new LinkedHashMap<>();
      SafeTensors.read(safetensors).tensors().forEach((name, t) -> {
        NamedParameter p = model.parameters().get(name);
        if (p != null && !java.util.Arrays.equals(p.shape().getShape(), t.shape())) {
          throw new IllegalArgumentException("tensor " + name + " has shape " + java.util.Arrays.toString(t.shape())
              + ", the model expects " + p.shape());
        }
        weights.put(name, t.values());
      });
      model.setWeights(weights);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public static ModelManifest readManifest(Path dir) throws IOException {
    return ModelManifest.parse(Files.readAllBytes(dir.resolve(MANIFEST_FILE)));
  }

  private static NetworkModel network(RankingModel model) {
    if (model instanceof NetworkModel n) return n;
    throw new IllegalArgumentException("cannot export a " + model.getClass().getName());
  }
}
