package io.infnet.model.io;

import io.infnet.config.Json;
import io.infnet.json.Jsons;
import io.infnet.lake.Checksums;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.RankingModel;
import io.infnet.model.nn.Module.NamedParameter;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model on disk: {@code dir/model.safetensors} (every weight, float32, names and layouts in docs/MODEL_FORMAT.md)
 * and {@code dir/manifest.json} (format, architecture, feature schema, caller provenance, parameter count, sha256 of
 * the weights). Loading verifies the format and the checksum, and can refuse a feature schema other than expected.
 */
public final class ModelExport {
  public static final String FORMAT = "infnet-model/1";
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
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", FORMAT);
    manifest.put("model", spec.toPlain());
    manifest.put("feature_schema", spec.schema().toPlain());
    manifest.put("parameter_count", parameters);
    manifest.put("weights_file", WEIGHTS_FILE);
    manifest.put("weights_sha256", Checksums.sha256(weights));
    manifest.put("dead_last_block_parts", "omitted");
    manifest.put("provenance", provenance == null ? Map.of() : Jsons.toPlain(provenance));
    return Json.write(manifest).getBytes(StandardCharsets.UTF_8);
  }

  /** Writes a model's two files into {@code dir}, each written aside and moved into place. */
  public static void write(Path dir, byte[] manifest, byte[] weights) throws IOException {
    Files.createDirectories(dir);
    writeAtomically(dir.resolve(WEIGHTS_FILE), weights);
    writeAtomically(dir.resolve(MANIFEST_FILE), manifest);
  }

  public static RankingModel load(Path dir) throws IOException {
    return load(Files.readAllBytes(dir.resolve(MANIFEST_FILE)), Files.readAllBytes(dir.resolve(WEIGHTS_FILE)));
  }

  /** Loads, refusing a model trained on another feature schema (the message names every difference). */
  public static RankingModel load(Path dir, FeatureSchema expected) throws IOException {
    FeatureSchema actual = schemaOf(readManifest(dir));
    List<String> differences = SchemaDifferences.between(actual, expected);
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException("model " + dir + " was trained on another feature schema: " + String.join("; ", differences));
    }
    return load(dir);
  }

  /** The architecture a manifest records, read without loading (or even reading) the weights. */
  public static ModelSpec specOf(byte[] manifestJson) {
    Map<String, Object> manifest = parseManifest(new String(manifestJson, StandardCharsets.UTF_8));
    return ModelSpec.fromPlain(plainMap(manifest.get("model")), schemaOf(manifest));
  }

  /** The provenance a manifest records; empty for a model saved without one. */
  public static java.util.Optional<Provenance> provenanceOf(byte[] manifestJson) {
    Object p = parseManifest(new String(manifestJson, StandardCharsets.UTF_8)).get("provenance");
    if (!(p instanceof Map<?, ?> m) || m.isEmpty()) return java.util.Optional.empty();
    return java.util.Optional.of(Jsons.fromPlain(p, Provenance.class, "the manifest's provenance"));
  }

  /** Loads from bytes (executors receive them by broadcast). */
  public static RankingModel load(byte[] manifestJson, byte[] safetensors) {
    Map<String, Object> manifest = parseManifest(new String(manifestJson, StandardCharsets.UTF_8));
    String expectedSha = String.valueOf(manifest.get("weights_sha256"));
    String actualSha = Checksums.sha256(safetensors);
    if (!actualSha.equals(expectedSha)) {
      throw new IllegalArgumentException(WEIGHTS_FILE + " is corrupted or was modified: sha256 " + actualSha
          + ", the manifest records " + expectedSha);
    }
    ModelSpec spec = specOf(manifestJson);
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

  public static Map<String, Object> readManifest(Path dir) throws IOException {
    return parseManifest(Files.readString(dir.resolve(MANIFEST_FILE), StandardCharsets.UTF_8));
  }

  private static Map<String, Object> parseManifest(String json) {
    Object parsed;
    try {
      parsed = Json.parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("manifest is not JSON: " + e.getMessage(), e);
    }
    if (!(parsed instanceof Map<?, ?>)) throw new IllegalArgumentException("manifest is not a JSON object");
    Map<String, Object> manifest = plainMap(parsed);
    if (!FORMAT.equals(manifest.get("format"))) {
      throw new IllegalArgumentException("unsupported model manifest format '" + manifest.get("format") + "' (this build reads " + FORMAT + ")");
    }
    return manifest;
  }

  private static FeatureSchema schemaOf(Map<String, Object> manifest) {
    return FeatureSchema.fromJson(Json.write(manifest.get("feature_schema")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> plainMap(Object o) {
    if (!(o instanceof Map<?, ?>)) throw new IllegalArgumentException("manifest entry is not an object: " + o);
    return (Map<String, Object>) o;
  }

  private static NetworkModel network(RankingModel model) {
    if (model instanceof NetworkModel n) return n;
    throw new IllegalArgumentException("cannot export a " + model.getClass().getName());
  }

  private static void writeAtomically(Path target, byte[] data) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(tmp, data);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
