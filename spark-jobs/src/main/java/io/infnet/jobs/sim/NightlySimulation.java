package io.infnet.jobs.sim;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.jobs.sim.DagHarness.Dag;
import io.infnet.jobs.sim.DagRun.Outcome;
import io.infnet.lake.LakePaths;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Weeks of the nightly loop, executed as Airflow would execute the DAG files: every night the nightly DAG rendered for
 * that logical date by {@link DagHarness}, every 7th night the weekly retrain, each task's exact command line run by a
 * {@link CommandRunner} in DAG order (with retries and trigger rules, {@link DagRun}). The deliveries come from
 * {@link LandingFiles}; the bad ones of the {@link Scenario} happen on their nights. What each night did is kept
 * ({@link Night}, {@link Retrain}) for {@link SimulationChecks}.
 */
public final class NightlySimulation {
  /** One DAG run: its logical date, tasks' outcomes and what production was when it started. */
  public record Night(String label, Dag dag, Map<String, Outcome> outcomes, Optional<Integer> productionBefore) {
    public Outcome outcome(String taskId) {
      return outcomes.get(taskId);
    }

    public double seconds() {
      return outcomes.values().stream().filter(o -> o.result() != null).mapToDouble(o -> o.result().seconds()).sum();
    }
  }

  /** One weekly retrain: the version it trained, production before and after, and whether it was the worse one. */
  public record Retrain(Night run, boolean worse, int candidateVersion, Optional<Integer> productionAfter) {}

  private final Path project;
  private final Path configFile;
  private final InfnetConfig config;
  private final Scenario scenario;
  private final LandingFiles landing;
  private final CommandRunner runner;
  private final DagHarness harness;
  private final PrintStream log;
  private final List<Night> nights = new ArrayList<>();
  private final List<Retrain> retrains = new ArrayList<>();
  private final Set<String> succeeded = new HashSet<>();
  private List<String> rerunDigests = List.of();
  /** Candidate day → the production version when its candidates were last scored. */
  private final Map<String, Integer> scoredWith = new LinkedHashMap<>();

  public NightlySimulation(Path project, Path configFile, InfnetConfig config, Scenario scenario, LandingFiles landing,
      CommandRunner runner, String master, PrintStream log) {
    this.project = project;
    this.configFile = configFile;
    this.config = config;
    this.scenario = scenario;
    this.landing = landing;
    this.runner = runner;
    this.log = log;
    this.harness = new DagHarness(project, Map.of("infnet_home", project.toString(), "infnet_config", configFile.toString(),
        "infnet_master", master, "infnet_landing", landing.root().toString(), "infnet_train_days", "28"));
  }

  public LocalDate day(int night) {
    return LocalDate.parse(config.get(Keys.DATAGEN_START_DATE)).plusDays(scenario.historyDays() + night - 1L);
  }

  /** The first load: the history imported, a full feature build, a model trained and promoted by hand (forced). */
  public void bootstrap() {
    String b = LandingFiles.BOOTSTRAP;
    must(command("import", "--log=" + landing.file(b, "log"), "--users=" + landing.file(b, "users"), "--videos=" + landing.file(b, "videos")));
    must(command("features"));
    must(command("train"));
    must(command("promote"));
    log.printf("bootstrap: %d days of history, production v%d%n", scenario.historyDays(), production().orElseThrow());
  }

  /** Every night of the scenario in order, with its bad deliveries, then the weekly retrains. */
  public void runNights() {
    if (scenario.missingNight() > 0) landing.withhold(day(scenario.missingNight()).toString());
    for (int n = 1; n <= scenario.days(); n++) {
      if (n == scenario.usersNight()) landing.deliverUsers(day(n).toString());
      nightly(n, "night " + n);
      if (scenario.missingNight() > 0 && n == scenario.missingNight() + 1) {
        landing.deliver(day(scenario.missingNight()).toString());
        nightly(scenario.missingNight(), "night " + scenario.missingNight() + " again (log delivered late)");
      }
      if (n == scenario.deliveredTwice()) deliveredTwice(n);
      if (scenario.isWeekEnd(n)) retrain(n);
    }
  }

  public List<Night> nights() {
    return List.copyOf(nights);
  }

  public List<Retrain> retrains() {
    return List.copyOf(retrains);
  }

  /** Candidate day → the production version when its candidates were last scored. */
  public Map<String, Integer> scoredWith() {
    return Map.copyOf(scoredWith);
  }

  public Scenario scenario() {
    return scenario;
  }

  public LandingFiles landing() {
    return landing;
  }

  public InfnetConfig config() {
    return config;
  }

  /** The nights run for one logical date, in order (a rerun adds one). */
  public List<Night> runsOf(int night) {
    String ds = day(night).toString();
    return nights.stream().filter(r -> r.dag().dagId().equals("infnet_nightly") && r.dag().ds().equals(ds)).toList();
  }

  /** The night rerun with the same delivery: the lake's content must not change (digests before and after). */
  private void deliveredTwice(int night) {
    String before = lakeDigest();
    nightly(night, "night " + night + " again (log delivered twice)");
    rerunDigests = List.of(before, lakeDigest());
  }

  /** The feature table's and the candidate predictions' content digests, before and after the rerun of a night. */
  public List<String> rerunDigests() {
    return rerunDigests;
  }

  private String lakeDigest() {
    LakePaths lake = LakePaths.of(config);
    // in-process, the jobs' own session (left running for the next command); with processes, this JVM's own
    org.apache.spark.sql.SparkSession spark = io.infnet.features.spark.SparkSessions.getOrCreate(config, "nightly-simulation");
    return "features " + SimulationChecks.digest(spark, lake.features()) + ", candidate_predictions "
        + SimulationChecks.digest(spark, lake.candidatePredictions(), "scored_at");
  }

  private Night nightly(int night, String label) {
    Dag dag = harness.render(DagHarness.NIGHTLY, day(night));
    Night run = execute(label, dag, task -> List.of());
    if (run.outcome("score_candidates").state() == DagRun.State.SUCCESS) {
      scoredWith.put(day(night).plusDays(1).toString(), run.productionBefore().orElse(-1));
    }
    return run;
  }

  private void retrain(int night) {
    boolean worse = night / Scenario.WEEK == scenario.worseRetrainWeek();
    // the run of logical date W covers the week W..W+6: tonight's night is its last day
    Dag dag = harness.render(DagHarness.WEEKLY, day(night).minusDays(Scenario.WEEK - 1));
    List<String> unlearnable = List.of("train.learning_rate=0.000000001", "train.max_steps=1");
    Night run = execute("week " + night / Scenario.WEEK + (worse ? " (worse: cannot learn)" : ""), dag,
        task -> worse && task.equals("train") ? unlearnable : List.of());
    retrains.add(new Retrain(run, worse, latestVersion(), production()));
  }

  private Night execute(String label, Dag dag, java.util.function.Function<String, List<String>> extraSets) {
    Optional<Integer> before = production();
    Map<String, Outcome> outcomes = DagRun.execute(dag, runner, (d, ds, t) -> succeeded.contains(d + "/" + ds + "/" + t), extraSets);
    outcomes.values().stream().filter(o -> o.state() == DagRun.State.SUCCESS)
        .forEach(o -> succeeded.add(dag.dagId() + "/" + dag.ds() + "/" + o.taskId()));
    Night run = new Night(label, dag, outcomes, before);
    nights.add(run);
    log.println(describe(run));
    return run;
  }

  /** "night 3 2022-04-20: ingest FAILED ×3 0.9 s, features UPSTREAM_FAILED, score_candidates 6.1 s = 7.0 s". */
  static String describe(Night run) {
    String tasks = run.outcomes().values().stream().map(o -> o.taskId() + (o.state() == DagRun.State.SUCCESS ? "" : " " + o.state())
        + (o.attempts() > 1 ? " x" + o.attempts() : "") + (o.result() == null ? "" : String.format(" %.1f s", o.result().seconds())))
        .collect(Collectors.joining(", "));
    return String.format("%-40s %s %s: %s = %.1f s", run.label(), run.dag().dagId(), run.dag().ds(), tasks, run.seconds());
  }

  private CommandRunner.Result command(String job, String... flags) {
    StringBuilder line = new StringBuilder(project.resolve("bin/infnet") + " " + job + " --config '" + configFile + "'");
    for (String f : flags) line.append(" '").append(f).append('\'');
    return runner.run(line.toString(), Map.of(), List.of());
  }

  private static void must(CommandRunner.Result r) {
    if (!r.ok()) throw new IllegalStateException("bootstrap command failed (exit " + r.code() + "): " + r.err().strip());
  }

  private ModelRegistry registry() {
    return new ModelRegistry(LakePaths.of(config).models(), new org.apache.hadoop.conf.Configuration());
  }

  private Optional<Integer> production() {
    try {
      return registry().production(config.get(Keys.TRAIN_MODEL_NAME)).map(e -> e.version());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int latestVersion() {
    try {
      return registry().versions(config.get(Keys.TRAIN_MODEL_NAME)).stream().max(Integer::compare).orElse(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
