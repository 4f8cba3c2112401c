package io.infnet.model.io;

import io.infnet.config.InfnetConfig;
import java.util.Locale;
import java.util.Map;

/**
 * Where a model came from, recorded in its manifest ({@code provenance}) and read back by evaluate and score: the
 * config and its hash, the feature-table snapshot it was trained on (with the fingerprint of the vocabulary its ids
 * come from), the training run's outcome and the code that ran. As in Tribuo, every model carries its provenance.
 */
public record Provenance(InfnetConfig config, String configHash, Features features, Training training, Code code) {
  /**
   * @param vocabularyFingerprint the feature table's {@code infnet.vocabulary_fingerprint}; "" when the table predates it
   */
  public record Features(String path, long deltaVersion, Map<String, Long> rows, String vocabularyFingerprint) {}

  public record Training(String runId, int workers, long steps, int epochsRun, int bestEpoch, Map<String, Double> bestValidAuc,
                         String finishedAt) {}

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
