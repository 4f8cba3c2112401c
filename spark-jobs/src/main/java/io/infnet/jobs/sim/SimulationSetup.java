package io.infnet.jobs.sim;

import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The working folder of a simulation: {@code config.yaml} (the one config every command gets with --config; its lake
 * is {@code lake/}), {@code landing/} (the deliveries) and {@code staging/} (the generated world they are cut from).
 */
public final class SimulationSetup {
  private static final LocalDate START = LocalDate.parse("2022-04-08");
  /** Settings every simulation uses; the caller adds sizes (datagen.users, model and train keys). */
  private static final Map<String, String> BASE = Map.of("datagen.start_date", START.toString(), "tasks.names", "click,long_view",
      "train.checkpoint_every", "0");

  private SimulationSetup() {}

  /**
   * Writes config.yaml and the landing files. The bootstrap's history (from 2022-04-08) is split train / valid / test
   * with its last two days as valid and test.
   */
  public static NightlySimulation prepare(Path project, Path work, Map<String, String> settings, Scenario scenario,
      CommandRunner runner, String master, java.io.PrintStream log) {
    Map<String, String> all = new LinkedHashMap<>(BASE);
    all.put("split.train_end", START.plusDays(scenario.historyDays() - 3L).toString());
    all.put("split.valid_end", START.plusDays(scenario.historyDays() - 2L).toString());
    all.putAll(settings);
    all.put("lake.root", work.resolve("lake").toString());
    Path configFile = write(work.resolve("config.yaml"), all);
    InfnetConfig config = ConfigLoader.load(configFile, List.of());
    LandingFiles landing = new LandingFiles(work.resolve("landing"));
    // left running: in-process commands reuse it (the caller stops it after the checks)
    SparkSession spark = SparkSessions.getOrCreate(config, "nightly-simulation");
    landing.generate(spark, config.with("lake.root=" + work.resolve("staging")), scenario.historyDays(), scenario.days());
    return new NightlySimulation(project, configFile, config, scenario, landing, runner, master, log);
  }

  private static Path write(Path file, Map<String, String> settings) {
    StringBuilder yaml = new StringBuilder("# written by the nightly simulation (io.infnet.jobs.sim.SimulationSetup)\n");
    settings.forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, yaml.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
