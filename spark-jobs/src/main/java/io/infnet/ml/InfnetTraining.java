package io.infnet.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.Split;
import io.infnet.jobs.BuildInfo;
import io.infnet.jobs.JobFailure;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.dist.DistributedTrainer;
import io.infnet.model.ModelSpec;
import io.infnet.model.io.ModelExport;
import io.infnet.model.io.Provenance;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one training path of {@code bin/infnet train} and {@link InfnetEstimator#fit}: the snapshot's splits checked
 * trainable, then {@link DistributedTrainer} (synchronous data-parallel, {@code train.workers} barrier tasks), and the
 * best epoch's weights file with its manifest and provenance as an {@link InfnetModel}.
 */
public final class InfnetTraining {
  private InfnetTraining() {}

  /** Rows of the train and valid splits; an empty split or a task without a positive train label is refused. */
  public static Map<String, Long> checkTrainable(FeatureSnapshot snapshot, FeatureSchema schema) {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("train", checkSplit(snapshot.split(Split.TRAIN), schema.tasks(), "train", snapshot.path()));
    rows.put("valid", checkSplit(snapshot.split(Split.VALID), List.of(), "valid", snapshot.path()));
    return rows;
  }

  /**
   * Trains on {@code snapshot} (rows as counted by {@link #checkTrainable}), checkpointing under {@code checkpointDir}:
   * the model (its weights file byte for byte the checkpoint's) carries the trainer's account.
   */
  public static InfnetModel train(SparkSession spark, InfnetConfig config, FeatureSnapshot snapshot, FeatureSchema schema,
      Map<String, Long> rows, String runId, String checkpointDir, PrintStream out) throws IOException {
    DistributedTrainer.Result result = DistributedTrainer.train(spark, config, snapshot, schema, checkpointDir, out);
    ModelSpec spec = ModelSpec.from(config, schema);
    Provenance provenance = provenance(config, runId, snapshot, rows, result);
    byte[] weights = result.weightsFile();
    return InfnetModel.of(ModelExport.manifest(spec, weights, provenance), weights).withTrainingResult(result);
  }

  private static long checkSplit(Dataset<Row> rows, List<String> tasks, String split, String path) {
    List<Column> aggs = new ArrayList<>();
    for (String t : tasks) aggs.add(sum(col(FeatureSchema.labelColumn(t))));
    Row r = rows.agg(count(lit(1)), aggs.toArray(Column[]::new)).first();
    long n = r.getLong(0);
    if (n == 0) throw new JobFailure("the " + split + " split of " + path + " is empty: check split.train_start / split.train_end / split.valid_end");
    for (int i = 0; i < tasks.size(); i++) {
      if (r.isNullAt(i + 1) || r.getLong(i + 1) == 0) {
        throw new JobFailure("task '" + tasks.get(i) + "' has no positive label in the " + split + " split of " + path);
      }
    }
    return n;
  }

  private static Provenance provenance(InfnetConfig config, String runId, FeatureSnapshot snapshot, Map<String, Long> rows,
      DistributedTrainer.Result result) {
    return new Provenance(config, config.hash(),
        new Provenance.Features(snapshot.path(), snapshot.version(), rows, snapshot.encoding()),
        new Provenance.Training(runId, config.get(Keys.TRAIN_WORKERS), result.steps(), result.epochsRun(), result.bestEpoch(),
            result.bestValidAuc(), Instant.now().toString(), config.get(Keys.TRAIN_PRECISION).configName()),
        BuildInfo.describe());
  }
}
