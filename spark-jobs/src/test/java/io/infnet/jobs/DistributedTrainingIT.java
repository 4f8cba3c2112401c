package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.SparkSessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synchronous data parallelism on a real standalone cluster (master + 2 workers from the project's jars):
 * with the same seed and global batch, 1 worker (local[*]) and 2 workers (two executor JVMs exchanging gradients
 * over TCP) give the same loss at every step.
 */
class DistributedTrainingIT {
  @TempDir Path tmp;

  @Test
  void twoWorkersOnAClusterMatchOneWorkerStepForStep() throws Exception {
    Path lake = tmp.resolve("lake");
    List<String> common = List.of("--set", "lake.root=" + lake, "--set", "datagen.users=200", "--set", "datagen.videos=150",
        "--set", "datagen.days=5", "--set", "split.train_end=2022-04-10", "--set", "split.valid_end=2022-04-11",
        "--set", "features.sequence_max_length=8", "--set", "model.dim=16", "--set", "spark.shuffle_partitions=2",
        "--set", "train.batch_size=128", "--set", "train.max_steps=8", "--set", "train.log_every=1",
        "--set", "train.threads=1");
    for (String job : List.of("datagen", "features")) {
      LauncherProcess.Result r = LauncherProcess.run(null, 600, with(job, common));
      assertEquals(0, r.exitCode(), r.all());
    }
    LauncherProcess.Result one = LauncherProcess.run(null, 600, with("train", common, "--set", "train.workers=1"));
    assertEquals(0, one.exitCode(), one.all());

    LauncherProcess.Result two;
    try (StandaloneCluster cluster = StandaloneCluster.start(tmp.resolve("cluster"), 2)) {
      two = LauncherProcess.run(LauncherProcess.ASSEMBLED_SPARK_HOME, 900, with("train", common, "--set", "train.workers=2",
          "--master", cluster.url(), "--executor-memory", "2g", "--conf", "spark.task.cpus=1"));
    }
    assertEquals(0, two.exitCode(), two.all());
    assertTrue(two.stdout().contains("train: 2 worker(s)"), two.stdout());

    List<Double> lossesOne = losses(lake, runId(one.stdout()));
    List<Double> lossesTwo = losses(lake, runId(two.stdout()));
    assertEquals(8, lossesOne.size(), "a loss per step");
    assertEquals(lossesOne.size(), lossesTwo.size());
    for (int i = 0; i < lossesOne.size(); i++) {
      double a = lossesOne.get(i);
      double b = lossesTwo.get(i);
      assertTrue(Math.abs(a - b) <= 1e-5 * Math.abs(a), "step " + (i + 1) + ": 1 worker " + a + ", 2 workers " + b);
    }
  }

  private static String runId(String stdout) {
    Matcher m = Pattern.compile("train: run (\\S+) on").matcher(stdout);
    assertTrue(m.find(), stdout);
    return m.group(1);
  }

  private static List<Double> losses(Path lake, String runId) {
    SparkSession spark = SparkSessions.getOrCreate(InfnetConfig.defaults().with("spark.master=local[1]"), "distributed-check");
    List<Double> out = new ArrayList<>();
    for (Row r : spark.read().format("delta").load(lake.resolve("training_runs").toString())
        .where("run_id = '" + runId + "' AND split = 'train' AND metric = 'loss'").orderBy("step").collectAsList()) {
      out.add(r.getDouble(r.fieldIndex("value")));
    }
    return out;
  }

  private static String[] with(String job, List<String> common, String... more) {
    List<String> all = new ArrayList<>();
    all.add(job);
    all.addAll(common);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
