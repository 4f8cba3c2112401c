package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.ConfigLoader;
import io.infnet.jobs.sim.DagHarness;
import io.infnet.jobs.sim.DagHarness.Dag;
import io.infnet.jobs.sim.DagHarness.Task;
import io.infnet.jobs.sim.InfnetCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow DAG files, parsed without Airflow ({@code airflow/tests/dag_harness.py}): ids, schedules, ordering,
 * retries, SLAs, the lake pool, and every command line rendered for a logical date, parsed back and checked against the
 * real command line (the job exists, its flags are its own, every --set key is a valid config value).
 */
class AirflowDagsTest {
  private static final Path PROJECT = Path.of(System.getProperty("infnet.project.dir", "..")).toAbsolutePath().normalize();
  private static final Map<String, String> VARIABLES = Map.of("infnet_home", "/opt/infnet", "infnet_config", "/etc/infnet.yaml",
      "infnet_landing", "/data/landing");
  private static final DagHarness HARNESS = new DagHarness(PROJECT, VARIABLES);
  private static final String LAUNCH = "/opt/infnet/bin/infnet %s --config /etc/infnet.yaml --master 'local[*]'";

  @Test
  void theNightlyDagIngestsTheDayBuildsItsFeaturesAndScoresTheNextDaysCandidates() {
    Dag dag = HARNESS.render(DagHarness.NIGHTLY, LocalDate.parse("2022-04-18"));

    assertEquals("infnet_nightly", dag.dagId());
    assertEquals("0 2 * * *", dag.schedule());
    assertEquals(1, dag.maxActiveRuns());
    assertEquals(List.of("ingest", "features", "score_candidates"), ids(dag));
    assertEquals(List.of("features"), dag.task("score_candidates").upstream());
    assertEquals(List.of("ingest"), dag.task("features").upstream());
    assertEquals("all_done", dag.task("score_candidates").triggerRule(), "the next day is scored even when the day is missing");
    assertRetriesAndSla(dag, 2, 3 * 3600.0);
    assertEquals(List.of(
        String.format(LAUNCH, "ingest") + " '--date=2022-04-18' '--log=/data/landing/2022-04-18/log.parquet'"
            + " '--users=/data/landing/2022-04-18/users.parquet' '--videos=/data/landing/2022-04-18/videos.parquet' --optional-profiles",
        String.format(LAUNCH, "features") + " '--date=2022-04-18'",
        String.format(LAUNCH, "score") + " '--candidates=/data/landing/2022-04-19/candidates.parquet' --set score.model=production"),
        commands(dag));
  }

  @Test
  void theWeeklyRetrainWaitsForTheWeeksLastNightAndTrainsOnARollingWindow() {
    Dag dag = HARNESS.render(DagHarness.WEEKLY, LocalDate.parse("2022-04-24"));

    assertEquals("infnet_weekly_retrain", dag.dagId());
    assertEquals("0 2 * * 0", dag.schedule());
    assertEquals(1, dag.maxActiveRuns());
    assertEquals(List.of("wait_for_nightly", "train", "evaluate", "promote"), ids(dag));
    Task sensor = dag.task("wait_for_nightly");
    assertTrue(sensor.isSensor());
    assertEquals(List.of("infnet_nightly", "score_candidates", "2022-04-30"),
        List.of(sensor.externalDagId(), sensor.externalTaskId(), sensor.externalDs()), "the nightly run of the week's last day");
    assertEquals(List.of("evaluate"), dag.task("promote").upstream());
    assertEquals(0, dag.task("promote").retries(), "a refused promotion is not retried");
    assertEquals(2, dag.task("train").retries());
    assertEquals(12 * 3600.0, dag.defaultArgs().slaS());
    String window = " --set 'split.train_start=2022-04-03' --set 'split.train_end=2022-04-28' --set 'split.valid_end=2022-04-29'"
        + " --set 'split.test_end=2022-04-30'";
    assertEquals(List.of(String.format(LAUNCH, "train") + window,
        String.format(LAUNCH, "evaluate") + window + " --set score.model=latest --set evaluate.split=test",
        String.format(LAUNCH, "promote") + " --gate" + window + " --set promote.split=test"), commands(dag));
  }

  /** Nightly and weekly never write the lake at once: every command task is in the one-slot pool. */
  @Test
  void everyLakeWriterIsInTheOneSlotPool() {
    for (Dag dag : HARNESS.renderAll(LocalDate.parse("2022-04-24"), DagHarness.NIGHTLY, DagHarness.WEEKLY)) {
      for (Task t : dag.tasks()) {
        if (!t.isSensor()) assertEquals("infnet_lake", t.pool(), dag.dagId() + "." + t.taskId());
      }
    }
  }

  /** Each rendered line is a real command line: its job exists, its flags are the job's, its --set values validate. */
  @Test
  void everyCommandIsAValidInfnetCommandLine() {
    for (Dag dag : HARNESS.renderAll(LocalDate.parse("2022-04-24"), DagHarness.NIGHTLY, DagHarness.WEEKLY)) {
      for (String line : commands(dag)) {
        InfnetCommand c = InfnetCommand.parse(line);
        Job job = Main.JOBS.get(c.job());
        assertNotNull(job, "unknown job in " + line);
        for (String flag : c.flags()) {
          String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
          assertTrue(job.flags().contains(name), name + " is not a flag of " + c.job() + ": " + line);
        }
        assertEquals("/etc/infnet.yaml", c.configFile());
        assertNotNull(ConfigLoader.load(null, c.sets()), line); // an unknown key or a bad value throws
      }
    }
  }

  @Test
  void aTemplateTheHarnessCannotRenderFailsTheParse(@TempDir Path dir) throws Exception {
    Path dags = Files.createDirectories(dir.resolve("airflow/dags")), tests = Files.createDirectories(dir.resolve("airflow/tests"));
    Files.copy(PROJECT.resolve("airflow/tests/dag_harness.py"), tests.resolve("dag_harness.py"));
    Files.writeString(dags.resolve("next.py"), """
        from datetime import datetime
        from airflow import DAG
        from airflow.operators.bash import BashOperator
        with DAG(dag_id="x", schedule="@daily", start_date=datetime(2026, 1, 1)) as dag:
            BashOperator(task_id="t", bash_command="echo {{ next_ds }}")
        """);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new DagHarness(dir, Map.of()).render("airflow/dags/next.py", LocalDate.parse("2022-04-24")));
    assertTrue(e.getMessage().contains("unknown template expression '{{ next_ds }}'"), e.getMessage());
  }

  @Test
  void aLineBashWouldInterpretIsNotTakenForAPlainCommand() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InfnetCommand.parse("/opt/infnet/bin/infnet ingest --log=$(ls /data | head -1)"));
    assertTrue(e.getMessage().contains("not a plain command"), e.getMessage());
    assertEquals(List.of("ingest", "--config", "/c.yaml", "--date=2022-04-18"),
        List.of(InfnetCommand.parse("/x/bin/infnet ingest --config /c.yaml --master 'local[*]' '--date=2022-04-18'").mainArgs()));
  }

  private static void assertRetriesAndSla(Dag dag, int retries, double slaSeconds) {
    assertEquals(retries, dag.defaultArgs().retries());
    assertEquals(600.0, dag.defaultArgs().retryDelayS());
    assertEquals(slaSeconds, dag.defaultArgs().slaS());
    for (Task t : dag.tasks()) assertEquals(slaSeconds, t.slaS(), t.taskId());
  }

  private static List<String> ids(Dag dag) {
    return dag.tasks().stream().map(Task::taskId).toList();
  }

  private static List<String> commands(Dag dag) {
    return dag.tasks().stream().filter(t -> !t.isSensor()).map(Task::bashCommand).toList();
  }
}
