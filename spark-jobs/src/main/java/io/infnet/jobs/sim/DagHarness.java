package io.infnet.jobs.sim;

import io.infnet.json.Jsons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Airflow DAGs as Airflow would run them, without Airflow: runs {@code airflow/tests/dag_harness.py} (python3 with a
 * stand-in for the few Airflow names the DAGs use) and reads what it prints: each DAG's settings and its tasks in
 * topological order, every bash command rendered for one logical date.
 */
public final class DagHarness {
  public static final String NIGHTLY = "airflow/dags/infnet_nightly.py";
  public static final String WEEKLY = "airflow/dags/infnet_weekly_retrain.py";
  static final String SCRIPT = "airflow/tests/dag_harness.py";

  /** One task: a bash command (kind "bash") or a wait for another DAG's task (kind "sensor"). */
  public record Task(String taskId, List<String> upstream, String pool, int retries, Double retryDelayS, Double slaS,
      String triggerRule, String kind, String bashCommand, Map<String, String> env, String externalDagId,
      String externalTaskId, String externalDs) {
    public boolean isSensor() {
      return "sensor".equals(kind);
    }
  }

  public record DefaultArgs(Integer retries, Double retryDelayS, Double slaS) {}

  public record Dag(String dagId, String schedule, int maxActiveRuns, Boolean catchup, Double dagrunTimeoutS,
      DefaultArgs defaultArgs, String ds, List<Task> tasks) {
    public Task task(String id) {
      return tasks.stream().filter(t -> t.taskId().equals(id)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("DAG " + dagId + " has no task " + id));
    }
  }

  private record Output(List<Dag> dags) {}

  private final Path project;
  private final Map<String, String> variables;

  /** @param variables the Airflow Variables the DAGs read (infnet_home, infnet_config, infnet_landing, …) */
  public DagHarness(Path project, Map<String, String> variables) {
    this.project = project;
    this.variables = Map.copyOf(variables);
  }

  /** The one DAG of {@code dagFile} (relative to the project), rendered for logical date {@code ds}. */
  public Dag render(String dagFile, LocalDate ds) {
    List<Dag> dags = renderAll(ds, dagFile);
    if (dags.size() != 1) throw new IllegalStateException(dagFile + " declares " + dags.size() + " DAGs, expected 1");
    return dags.get(0);
  }

  public List<Dag> renderAll(LocalDate ds, String... dagFiles) {
    List<String> command = new ArrayList<>(List.of("python3", project.resolve(SCRIPT).toString(), "--ds", ds.toString()));
    variables.forEach((k, v) -> command.add("--var=" + k + "=" + v));
    for (String f : dagFiles) command.add(project.resolve(f).toString());
    return Jsons.read(run(command), Output.class, SCRIPT + " --ds " + ds).dags();
  }

  private String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).directory(project.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(SCRIPT + " failed: " + err.strip());
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run python3 " + SCRIPT + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + SCRIPT, e);
    }
  }
}
