package io.infnet.model.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.infnet.json.Jsons;
import io.infnet.model.ModelOptions;
import io.infnet.model.ModelSpec;
import io.infnet.schema.FeatureSchema;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code manifest.json}: what a weights file means and where it came from (docs/MODEL_FORMAT.md names every field).
 * Reading one never reads the weights; {@link ModelExport#load} checks {@link #weightsSha256} against them.
 *
 * @param provenance null for a model saved outside a training run (older files hold {@code {}} there)
 */
public record ModelManifest(
    String format,
    ModelOptions model,
    FeatureSchema featureSchema,
    long parameterCount,
    String weightsFile,
    String weightsSha256,
    String deadLastBlockParts,
    @JsonInclude(JsonInclude.Include.NON_NULL) Provenance provenance) {
  public static final String FORMAT = "infnet-model/1";

  public ModelManifest {
    if (format != null && formatVersion(format) > formatVersion(FORMAT)) {
      throw new IllegalArgumentException("the model was saved by a newer format version, '" + format + "'; this build reads up to '"
          + FORMAT + "': load it with a newer build");
    }
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException("unsupported model manifest format '" + format + "' (this build reads " + FORMAT + ")");
    }
    if (model == null || featureSchema == null) throw new IllegalArgumentException("manifest has no model or feature_schema section");
    if (provenance != null && provenance.config() == null && provenance.code() == null) provenance = null; // "{}"
  }

  /** N of "infnet-model/N"; 0 for anything else. */
  private static int formatVersion(String format) {
    String prefix = FORMAT.substring(0, FORMAT.indexOf('/') + 1);
    String n = format.startsWith(prefix) ? format.substring(prefix.length()) : "";
    return n.matches("[0-9]{1,9}") ? Integer.parseInt(n) : 0;
  }

  /** The manifest of a weights file of {@code parameterCount} floats with digest {@code sha256}. */
  public static ModelManifest of(ModelSpec spec, long parameterCount, String sha256, Provenance provenance) {
    return new ModelManifest(FORMAT, spec.options(), spec.schema(), parameterCount, ModelExport.WEIGHTS_FILE, sha256,
        "omitted", provenance);
  }

  public static ModelManifest parse(byte[] json) {
    return Jsons.read(new String(json, StandardCharsets.UTF_8), ModelManifest.class, "model manifest");
  }

  public byte[] toJson() {
    return Jsons.write(this).getBytes(StandardCharsets.UTF_8);
  }

  /** The architecture, bound to the feature schema it reads. */
  public ModelSpec spec() {
    return new ModelSpec(featureSchema, model);
  }

  public Optional<Provenance> recordedProvenance() {
    return Optional.ofNullable(provenance);
  }
}
