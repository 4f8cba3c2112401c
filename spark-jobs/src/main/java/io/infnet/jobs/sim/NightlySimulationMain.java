package io.infnet.jobs.sim;

import io.infnet.features.spark.SparkSessions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench/nightly-simulation}: the suite's NightlySimulationTest over 21 nights (it runs 15) at a larger scale,
 * each command a real {@code bin/infnet} process running the exact line the DAG rendered. Prints each DAG run's wall
 * time per task, the checks, and as its last line the verdict; exit 0 only if every check holds.
 *
 * <p>Arguments: {@code PROJECT_DIR WORK_DIR [key=value ...]} (config settings, e.g. datagen.users=3000).
 */
public final class NightlySimulationMain {
  private static final Map<String, String> DEFAULTS = Map.of("datagen.users", "1000", "datagen.videos", "800",
      "features.sequence_max_length", "20", "model.dim", "16", "model.tower_hidden", "16", "train.batch_size", "256",
      "train.epochs", "2", "train.warmup_steps", "0", "train.learning_rate", "0.01", "spark.shuffle_partitions", "4");

  private NightlySimulationMain() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: NightlySimulationMain PROJECT_DIR WORK_DIR [key=value ...]");
      System.exit(2);
    }
    Map<String, String> settings = new LinkedHashMap<>(DEFAULTS);
    for (String kv : List.of(args).subList(2, args.length)) settings.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    Path work = Path.of(args[1]).toAbsolutePath();
    long t0 = System.nanoTime();
    NightlySimulation sim = SimulationSetup.prepare(Path.of(args[0]).toAbsolutePath(), work, settings, Scenario.standard(),
        CommandRunner.processes(work.resolve("logs")), settings.getOrDefault("spark.master", "local[*]"), System.out);
    sim.bootstrap();
    sim.runNights();
    SparkSession spark = SparkSessions.getOrCreate(sim.config(), "nightly-simulation-checks");
    List<SimulationChecks.Check> checks = new SimulationChecks(spark, sim).all();
    checks.forEach(System.out::println);
    System.out.printf("total %.1f min; nightly runs: mean %.1f s%n", (System.nanoTime() - t0) / 60e9,
        sim.nights().stream().filter(n -> n.dag().dagId().equals("infnet_nightly")).mapToDouble(NightlySimulation.Night::seconds).average().orElse(0));
    String verdict = SimulationChecks.verdict(checks);
    spark.stop();
    System.out.println(verdict);
    System.exit(checks.stream().allMatch(SimulationChecks.Check::ok) ? 0 : 1);
  }
}
