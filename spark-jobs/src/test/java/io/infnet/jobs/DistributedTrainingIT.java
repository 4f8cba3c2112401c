package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synchronous data parallelism on a real standalone cluster (master + 2 workers from the project's jars), and its
 * fault tolerance. The reference is one uninterrupted run; every other run must record the same loss at every step:
 * <ul>
 *   <li>2 workers (two executor JVMs exchanging gradients over TCP) against 1 worker on local[*];</li>
 *   <li>2 workers, one executor killed with {@code kill -9} mid-run: Spark retries the barrier stage on a replacement
 *       executor, every worker restores the newest checkpoint, and the run finishes;</li>
 *   <li>the driver killed mid-run, then {@code train --resume}.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributedTrainingIT {
  private static final int STEPS = 60;
  private static final int CHECKPOINT_EVERY = 10;
  private static final String SHARDED = "train.embedding_update=sharded";
  private Path tmp;
  private Path lake;
  private List<String> common;
  private StandaloneCluster cluster;
  private List<Double> reference;

  @BeforeAll
  void buildFeaturesAndTheReferenceRun(@TempDir Path tmp) throws Exception {
    this.tmp = tmp;
    lake = tmp.resolve("lake");
    common = List.of("--set", "lake.root=" + lake, "--set", "datagen.users=200", "--set", "datagen.videos=150",
        "--set", "datagen.days=5", "--set", "split.train_end=2022-04-10", "--set", "split.valid_end=2022-04-11",
        "--set", "features.sequence_max_length=8", "--set", "model.dim=16", "--set", "spark.shuffle_partitions=2",
        "--set", "train.batch_size=128", "--set", "train.max_steps=" + STEPS, "--set", "train.log_every=1",
        "--set", "train.checkpoint_every=" + CHECKPOINT_EVERY, "--set", "train.threads=1");
    for (String job : List.of("datagen", "features")) {
      LauncherProcess.Result r = LauncherProcess.run(null, 600, with(job, "--set", "train.model_name=reference"));
      assertEquals(0, r.exitCode(), r.all());
    }
    LauncherProcess.Result one = LauncherProcess.run(null, 600, with("train", "--set", "train.model_name=reference"));
    assertEquals(0, one.exitCode(), one.all());
    reference = losses(runId(one.stdout()));
    assertEquals(STEPS, reference.size(), "a loss per step");
    cluster = StandaloneCluster.start(tmp.resolve("cluster"), 2);
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster != null) cluster.close();
  }

  @Test
  void twoWorkersOnAClusterMatchOneWorkerStepForStep() throws Exception {
    LauncherProcess.Result two = LauncherProcess.run(LauncherProcess.ASSEMBLED_SPARK_HOME, 900, onCluster("two"));
    assertEquals(0, two.exitCode(), two.all());
    assertTrue(two.stdout().contains("train: 2 worker(s)"), two.stdout());
    assertSameLosses(reference, losses(runId(two.stdout())), 1e-5);
  }

  @Test
  void aWorkerKilledMidRunIsReplacedAndTheRunEndsWithTheSameLosses() throws Exception {
    LauncherProcess.Running run = LauncherProcess.start(LauncherProcess.ASSEMBLED_SPARK_HOME, onCluster("killed"));
    awaitMidRun(run, "killed");
    List<ProcessHandle> executors = cluster.executors();
    assertEquals(2, executors.size(), "one executor per worker: " + executors);
    ProcessHandle victim = executors.get(0);
    new ProcessBuilder("kill", "-9", String.valueOf(victim.pid())).start().waitFor();

    LauncherProcess.Result r = run.waitFor(900);
    assertEquals(0, r.exitCode(), r.all());
    assertFalse(victim.isAlive(), "the killed executor is gone");
    // The run finished although a worker died: Spark saw the loss and retried the barrier stage.
    assertTrue(run.log().contains("Lost executor"), "Spark's errors are in the run's log file, not on stderr: " + r.stderr());
    assertSameLosses(reference, losses(runId(r.stdout())), 1e-5);
  }

  @Test
  void aDriverStoppedMidRunResumesToTheSameLosses() throws Exception {
    List<String> args = List.of("--set", "train.model_name=resumed");
    LauncherProcess.Running run = LauncherProcess.start(null, with("train", args.toArray(String[]::new)));
    awaitMidRun(run, "resumed");
    run.kill();
    assertFalse(Files.exists(lake.resolve("models/resumed")), "the stopped run registered nothing");

    LauncherProcess.Result resumed = LauncherProcess.run(null, 600, with("train", "--resume", "--set", "train.model_name=resumed"));
    assertEquals(0, resumed.exitCode(), resumed.all());
    assertTrue(resumed.stdout().contains("train: resuming run"), resumed.stdout());
    assertSameLosses(reference, losses(runId(resumed.stdout())), 1e-6);
  }

  /**
   * Sharded embedding tables (issue 12): each row and its Adam moments only on its owner. 2 workers on the cluster, one
   * executor killed with kill -9 mid-run (both workers restore their shards from the checkpoint), end with the losses
   * of 1 worker; a 2-worker run whose driver is stopped resumes on 1 worker (the shards re-split onto another worker
   * count) to the same losses.
   */
  @Test
  void shardedTablesGiveTheSameLossesOnAnyWorkerCountThroughKillsAndResumes() throws Exception {
    LauncherProcess.Result one = LauncherProcess.run(null, 600, with("train", "--set", "train.model_name=sharded-one", "--set", SHARDED));
    assertEquals(0, one.exitCode(), one.all());
    List<Double> shardedReference = losses(runId(one.stdout()));
    assertEquals(STEPS, shardedReference.size(), "a loss per step");

    LauncherProcess.Running killed = LauncherProcess.start(LauncherProcess.ASSEMBLED_SPARK_HOME, onCluster("sharded-killed", "--set", SHARDED));
    awaitMidRun(killed, "sharded-killed");
    ProcessHandle victim = cluster.executors().get(0);
    new ProcessBuilder("kill", "-9", String.valueOf(victim.pid())).start().waitFor();
    LauncherProcess.Result afterKill = killed.waitFor(900);
    assertEquals(0, afterKill.exitCode(), afterKill.all());
    assertTrue(afterKill.stdout().contains("train: 2 worker(s)"), afterKill.stdout());
    assertSameLosses(shardedReference, losses(runId(afterKill.stdout())), 1e-5);

    LauncherProcess.Running stopped = LauncherProcess.start(LauncherProcess.ASSEMBLED_SPARK_HOME, onCluster("sharded-moved", "--set", SHARDED));
    awaitMidRun(stopped, "sharded-moved");
    stopped.kill();
    LauncherProcess.Result resumed = LauncherProcess.run(null, 600,
        with("train", "--resume", "--set", "train.model_name=sharded-moved", "--set", SHARDED));
    assertEquals(0, resumed.exitCode(), resumed.all());
    assertTrue(resumed.stdout().contains("train: 1 worker(s)"), resumed.stdout());
    assertSameLosses(shardedReference, losses(runId(resumed.stdout())), 1e-5);
  }

  /** Waits until the run has written its first checkpoint and is still training (no FINISHED marker). */
  private void awaitMidRun(LauncherProcess.Running run, String model) throws Exception {
    Path runs = lake.resolve("checkpoints").resolve(model);
    BooleanSupplier checkpointed = () -> subdirectories(runs).flatMap(DistributedTrainingIT::subdirectories)
        .anyMatch(c -> c.getFileName().toString().startsWith("step-"));
    long deadline = System.currentTimeMillis() + 600_000;
    while (!checkpointed.getAsBoolean()) {
      assertTrue(run.isAlive(), "the run ended before its first checkpoint:\n" + run.stdoutSoFar());
      assertTrue(System.currentTimeMillis() < deadline, "no checkpoint after 10 minutes:\n" + run.stdoutSoFar());
      Thread.sleep(50);
    }
    assertTrue(subdirectories(runs).noneMatch(r -> Files.exists(r.resolve("FINISHED"))),
        "the run finished before it could be interrupted: raise STEPS");
  }

  private static Stream<Path> subdirectories(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).toList().stream();
    } catch (IOException e) {
      return Stream.empty();
    }
  }

  /** 1g overhead: libtorch's runtime and a validation batch's activations, which WorkerMemory checks (~0.9 GB here). */
  private String[] onCluster(String model, String... more) {
    List<String> args = new ArrayList<>(List.of("--set", "train.model_name=" + model, "--set", "train.workers=2", "--master", cluster.url(),
        "--executor-memory", "2g", "--conf", "spark.executor.memoryOverhead=1g", "--conf", "spark.task.cpus=1"));
    args.addAll(List.of(more));
    return with("train", args.toArray(String[]::new));
  }

  private static void assertSameLosses(List<Double> expected, List<Double> actual, double relative) {
    assertEquals(expected.size(), actual.size(), "a loss per step");
    for (int i = 0; i < expected.size(); i++) {
      double a = expected.get(i);
      double b = actual.get(i);
      assertTrue(Math.abs(a - b) <= relative * Math.abs(a), "step " + (i + 1) + ": reference " + a + ", this run " + b);
    }
  }

  private static String runId(String stdout) {
    Matcher m = Pattern.compile("train: run (\\S+) on").matcher(stdout);
    assertTrue(m.find(), stdout);
    return m.group(1);
  }

  private List<Double> losses(String runId) {
    SparkSession spark = SparkSessions.getOrCreate(InfnetConfig.defaults().with("spark.master=local[1]"), "distributed-check");
    List<Double> out = new ArrayList<>();
    for (Row r : spark.read().format("delta").load(lake.resolve("training_runs").toString())
        .where("run_id = '" + runId + "' AND split = 'train' AND metric = 'loss'").orderBy("step").collectAsList()) {
      out.add(r.getDouble(r.fieldIndex("value")));
    }
    return out;
  }

  private String[] with(String job, String... more) {
    List<String> all = new ArrayList<>();
    all.add(job);
    all.addAll(common);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
