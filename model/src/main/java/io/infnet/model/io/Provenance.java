package io.infnet.model.io;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.infnet.config.InfnetConfig;
import io.infnet.config.choices.Precision;
import io.infnet.schema.IdEncoding;
import java.util.Locale;
import java.util.Map;

/**
 * Where a model came from, recorded in its manifest ({@code provenance}) and read back by evaluate and score: the
 * config and its hash, the feature-table snapshot it was trained on (with the versions and hashes of the vocabulary and
 * bucket splits its ids come from), the training run's outcome and the code that ran. As in Tribuo, every model carries its provenance.
 */
public record Provenance(InfnetConfig config, String configHash, Features features, Training training, Code code) {
  /**
   * @param encoding the id mappings of the table's rows ({@link IdEncoding#TABLE_PROPERTY}); never null,
   *                 {@link IdEncoding#UNRECORDED} when the table predates it
   */
  public record Features(String path, long deltaVersion, Map<String, Long> rows, IdEncoding encoding) {
    public Features {
      if (encoding == null) encoding = IdEncoding.UNRECORDED;
    }

    /** Manifests written before the encoding was recorded hold the vocabulary's hash alone. */
    @JsonCreator
    static Features read(@JsonProperty("path") String path, @JsonProperty("delta_version") long deltaVersion,
        @JsonProperty("rows") Map<String, Long> rows, @JsonProperty("encoding") IdEncoding encoding,
        @JsonProperty("vocabulary_fingerprint") String legacyFingerprint) {
      return new Features(path, deltaVersion, rows, encoding != null ? encoding : IdEncoding.ofLegacyFingerprint(legacyFingerprint));
    }
  }

  /** @param precision train.precision of the run ("fp32", "bf16"); manifests written before it was recorded: fp32 */
  public record Training(String runId, int workers, long steps, int epochsRun, int bestEpoch, Map<String, Double> bestValidAuc,
                         String finishedAt, String precision) {
    public Training {
      if (precision == null) precision = Precision.FP32.configName(); // every earlier run trained in fp32
    }
  }

  /** @param gitCommit "unknown" when the launcher did not say (INFNET_GIT_SHA) */
  public record Code(String version, String gitCommit, String java, String os, String spark) {
    /** This JVM's Java and OS with the given code and Spark versions. */
    public static Code ofThisJvm(String version, String gitCommit, String spark) {
      String os = String.format(Locale.ROOT, "%s %s %s", System.getProperty("os.name"), System.getProperty("os.version"),
          System.getProperty("os.arch"));
      return new Code(version, gitCommit, System.getProperty("java.version"), os, spark);
    }
  }

  /** One line for a job's output: run, feature snapshot, code. */
  public String summary() {
    return String.format(Locale.ROOT, "trained by run %s on %s (Delta version %d), config %s, code %s (%s)",
        training == null ? "?" : training.runId(), features == null ? "?" : features.path(),
        features == null ? -1 : features.deltaVersion(), configHash == null ? "?" : configHash.substring(0, Math.min(12, configHash.length())),
        code == null ? "?" : code.version(), code == null ? "?" : code.gitCommit());
  }
}
