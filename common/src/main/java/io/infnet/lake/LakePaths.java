package io.infnet.lake;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;

/**
 * Where every table and model lives under {@code lake.root}. One place, so that jobs, tests,
 * notebooks and the Airflow DAG agree. Paths are strings: the root may be any Hadoop URI.
 */
public record LakePaths(String root) {
  public static LakePaths of(InfnetConfig config) {
    return new LakePaths(config.get(Keys.LAKE_ROOT));
  }

  private String under(String relative) {
    return root.endsWith("/") ? root + relative : root + "/" + relative;
  }

  /** Raw impression logs, 19 KuaiRand columns, partitioned by date. */
  public String rawLog() {
    return under("raw/log");
  }

  public String rawUsers() {
    return under("raw/users");
  }

  public String rawVideos() {
    return under("raw/videos");
  }

  /**
   * The generator's true probability of each log flag per impression (keys and date as in the log), written by
   * datagen beside the log it belongs to; never a feature, only the ceiling models are compared with.
   */
  public String rawOracle() {
    return under("raw/oracle");
  }

  /** The feature table the model reads (see FeatureSchema), partitioned by date. */
  public String features() {
    return under("features/impressions");
  }

  /**
   * Each user's last {@code features.sequence_max_length} events per behaviour after the last day built: where the
   * next day's build starts (one Delta version per build; the feature table names the version of each build's end).
   */
  public String sequenceState() {
    return under("features/sequence_state");
  }

  /** Vocabularies: field, value, index, count. */
  public String vocabulary() {
    return under("features/vocabulary");
  }

  /** Quantile bucket splits of the numeric fields. */
  public String bucketSplits() {
    return under("features/bucket_splits");
  }

  /** Data-quality report, one set of rows per feature build. */
  public String quality() {
    return under("features/quality");
  }

  /** Per-task predictions, partitioned by date. */
  public String predictions() {
    return under("predictions");
  }

  /**
   * Per-task predictions for candidates ({@code score --candidates}), partitioned by date. Beside {@link #predictions()},
   * not inside it: a Delta table's folder holding another table's files would lose them to the outer table's VACUUM.
   */
  public String candidatePredictions() {
    return under("candidate_predictions");
  }

  /** Metric history of every training run. */
  public String trainingRuns() {
    return under("training_runs");
  }

  /** Evaluation results (one row per run, split, task and metric). */
  public String evaluations() {
    return under("evaluations");
  }

  /** Training checkpoints: checkpoints/model name/run id/step-N/. */
  public String checkpoints() {
    return under("checkpoints");
  }

  /** Model registry: models/name/version/. */
  public String models() {
    return under("models");
  }

  /** Every promotion decision (gated or forced, promoted or refused), with the metrics it was based on. */
  public String promotions() {
    return under("promotions");
  }
}
