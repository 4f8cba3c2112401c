package io.infnet.jobs.sim;

import io.infnet.jobs.sim.DagHarness.Dag;
import io.infnet.jobs.sim.DagHarness.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One DAG run executed the way Airflow's scheduler would: tasks in topological order; a task runs when its upstreams
 * succeeded, or when they are all done for trigger rule {@code all_done}; a failed command is retried up to the task's
 * {@code retries} (without the retry delay); a sensor succeeds only if the run it waits for has finished that task.
 */
public final class DagRun {
  public enum State { SUCCESS, FAILED, UPSTREAM_FAILED }

  /** What became of one task: its state, attempts and the last attempt's result (null for a sensor or a skipped task). */
  public record Outcome(String taskId, State state, int attempts, CommandRunner.Result result) {}

  private DagRun() {}

  /**
   * @param finished   whether a task of another DAG run has succeeded: (dag id, ds, task id)
   * @param extraSets  --set overrides injected per task id (fault injection), usually empty
   */
  public static Map<String, Outcome> execute(Dag dag, CommandRunner runner, Finished finished, Function<String, List<String>> extraSets) {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (Task task : dag.tasks()) {
      if (!runnable(task, outcomes)) {
        outcomes.put(task.taskId(), new Outcome(task.taskId(), State.UPSTREAM_FAILED, 0, null));
      } else if (task.isSensor()) {
        boolean done = finished.succeeded(task.externalDagId(), task.externalDs(), task.externalTaskId());
        outcomes.put(task.taskId(), new Outcome(task.taskId(), done ? State.SUCCESS : State.FAILED, 1, null));
      } else {
        outcomes.put(task.taskId(), attempt(task, runner, extraSets.apply(task.taskId())));
      }
    }
    return outcomes;
  }

  /** Whether a task of another run has succeeded; what an ExternalTaskSensor asks Airflow's database. */
  public interface Finished {
    boolean succeeded(String dagId, String ds, String taskId);
  }

  private static boolean runnable(Task task, Map<String, Outcome> outcomes) {
    Set<State> allowed = "all_done".equals(task.triggerRule()) ? Set.of(State.values()) : Set.of(State.SUCCESS);
    return task.upstream().stream().allMatch(u -> allowed.contains(outcomes.get(u).state()));
  }

  private static Outcome attempt(Task task, CommandRunner runner, List<String> extraSets) {
    List<CommandRunner.Result> tries = new ArrayList<>();
    do {
      tries.add(runner.run(task.bashCommand(), task.env(), extraSets));
    } while (!tries.get(tries.size() - 1).ok() && tries.size() <= task.retries());
    CommandRunner.Result last = tries.get(tries.size() - 1);
    return new Outcome(task.taskId(), last.ok() ? State.SUCCESS : State.FAILED, tries.size(), last);
  }
}
