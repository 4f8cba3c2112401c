package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** bin/infnet through both submit paths: the assembled Spark home (no SPARK_HOME) and $SPARK_HOME/bin/spark-submit. */
class LauncherIT {
  @TempDir Path tmp;

  static Stream<Arguments> paths() {
    return Stream.of(Arguments.of("no SPARK_HOME", null), Arguments.of("SPARK_HOME", LauncherProcess.ASSEMBLED_SPARK_HOME));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void configJobPrintsTheValidatedConfig(String label, Path sparkHome) throws Exception {
    LauncherProcess.Result r = LauncherProcess.run(sparkHome, 120, "config", "--set", "model.dim=16", "--set", "tasks.names=click,like");
    assertEquals(0, r.exitCode(), r.all());
    assertTrue(r.stdout().contains("\"model.dim\":16"), r.stdout());
    assertTrue(r.stdout().contains("\"tasks.names\":[\"click\",\"like\"]"), r.stdout());
    assertTrue(r.stdout().contains("config hash: "), r.stdout());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void badInputGivesOneClearLineAndExitCode(String label, Path sparkHome) throws Exception {
    LauncherProcess.Result job = LauncherProcess.run(sparkHome, 120, "trian");
    assertEquals(2, job.exitCode(), job.all());
    assertTrue(job.stderr().contains("infnet: error: unknown job 'trian' (jobs: datagen, import, ingest, features, train, evaluate, score, quickstart, promote, config, compare, embedding-scale)"), job.stderr());

    LauncherProcess.Result key = LauncherProcess.run(sparkHome, 120, "train", "--set", "train.batchsize=10");
    assertEquals(2, key.exitCode(), key.all());
    assertTrue(key.stderr().contains("unknown config key 'train.batchsize'"), key.stderr());

    LauncherProcess.Result type = LauncherProcess.run(sparkHome, 120, "train", "--set", "train.epochs=many");
    assertEquals(2, type.exitCode(), type.all());
    assertTrue(type.stderr().contains("config key 'train.epochs' (from --set): expected an integer in [1, 10000], got 'many'"), type.stderr());

    LauncherProcess.Result file = LauncherProcess.run(sparkHome, 120, "features", "--config", tmp.resolve("missing.yaml").toString());
    assertEquals(2, file.exitCode(), file.all());
    assertTrue(file.stderr().contains("missing.yaml does not exist"), file.stderr());
  }

  @Test
  void everyJobHasHelp() throws Exception {
    for (String job : Main.JOBS.keySet()) {
      LauncherProcess.Result r = LauncherProcess.run(null, 120, job, "--help");
      assertEquals(0, r.exitCode(), r.all());
      assertTrue(r.stdout().startsWith("usage: bin/infnet " + job), r.stdout());
    }
    LauncherProcess.Result list = LauncherProcess.run(null, 120, "--help");
    assertEquals(0, list.exitCode(), list.all());
    for (String job : Arrays.asList("datagen", "features", "train", "evaluate", "score", "quickstart")) {
      assertTrue(list.stdout().contains("  " + job + " "), list.stdout());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void unwritableLakeStopsBeforeWritingAnything(String label, Path sparkHome) throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    LauncherProcess.Result r = LauncherProcess.run(sparkHome, 180, "datagen", "--set", "lake.root=" + file.resolve("lake"));
    assertEquals(1, r.exitCode(), r.all());
    // the root is reported qualified, as the jobs see it
    assertTrue(r.stderr().contains("infnet: error: lake.root 'file:" + file.resolve("lake") + "' is not writable"), r.stderr());
    assertEquals("x", Files.readString(file));
  }

  @Test
  void importNamesAMissingInputBeforeWritingAnything() throws Exception {
    Path lake = tmp.resolve("lake");
    String shared = System.getProperty("infnet.shared.dir", "../shared") + "/data/kuairand-pure/";
    LauncherProcess.Result r = LauncherProcess.run(null, 180, "import", "--set", "lake.root=" + lake,
        "--log=" + tmp.resolve("log_standard_4_08_to_4_21_pure.csv"), "--users=" + shared + "user_features_pure.csv",
        "--videos=" + shared + "video_features_basic_pure.csv");
    assertEquals(1, r.exitCode(), r.all());
    assertTrue(r.stderr().contains("infnet: error: import: --log " + tmp.resolve("log_standard_4_08_to_4_21_pure.csv")
        + " does not exist"), r.stderr());
    assertFalse(Files.exists(lake.resolve("raw")), "nothing written");
    LauncherProcess.Result usage = LauncherProcess.run(null, 120, "import", "--log=x.csv");
    assertEquals(2, usage.exitCode(), usage.all());
    assertTrue(usage.stderr().contains("import needs --users=PATH"), usage.stderr());
  }

  @Test
  void aBadInputIsOneErrorLineAndStackTracesGoToTheLogFileUnlessVerbose() throws Exception {
    Path lake = tmp.resolve("lake");
    Path log = Files.writeString(tmp.resolve("log.csv"), "user_id,video_id\n1,10\n");
    LauncherProcess.Result refused = LauncherProcess.run(null, 180, "import", "--set", "lake.root=" + lake,
        "--log=" + log, "--users=" + log, "--videos=" + log);
    assertEquals(1, refused.exitCode(), refused.all());
    assertEquals(List.of("infnet: error: import: log file " + log + ": missing columns 'date', 'hourmin', 'time_ms', 'is_click', "
        + "'is_like', 'is_follow', 'is_comment', 'is_forward', 'is_hate', 'long_view', 'play_time_ms', 'duration_ms', "
        + "'profile_stay_time', 'comment_stay_time', 'is_profile_enter', 'is_rand', 'tab' (expected the 19 columns of the raw log "
        + "schema, docs/DATAGEN.md); nothing was written"), errorLines(refused));
    assertFalse(Files.exists(lake.resolve("raw")), "nothing written");

    // an unexpected failure (no raw tables to build features from): one line naming the log file with the stack trace
    LauncherProcess.Result failed = LauncherProcess.run(null, 180, "features", "--set", "lake.root=" + lake);
    assertEquals(1, failed.exitCode(), failed.all());
    String line = errorLines(failed).get(0);
    assertTrue(line.matches("infnet: error: .*raw table 'log' not found.* \\(stack trace in .*/infnet-features-[0-9TZ]+-[0-9]+\\.log\\)"), line);
    assertTrue(failed.stderr().strip().endsWith(line), "the error line is the last line: " + failed.stderr());
    assertFalse(failed.stderr().contains("\tat "), "no stack trace on the terminal: " + failed.stderr());
    String logFile = line.substring(line.indexOf("(stack trace in ") + "(stack trace in ".length(), line.length() - 1);
    assertTrue(Files.readString(Path.of(logFile)).contains("\tat io.infnet."), logFile);

    LauncherProcess.Result verbose = LauncherProcess.run(null, 180, "features", "--verbose", "--set", "lake.root=" + lake);
    assertEquals(1, verbose.exitCode(), verbose.all());
    assertTrue(verbose.stderr().contains("\tat io.infnet."), "--verbose shows the stack trace: " + verbose.stderr());
    assertEquals(1, errorLines(verbose).size(), verbose.stderr());
  }

  /** The lines of stderr that start with "infnet: error:". */
  private static List<String> errorLines(LauncherProcess.Result r) {
    return r.stderr().lines().filter(l -> l.startsWith("infnet: error:")).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void sparkJobRunsOnBothPathsWithJava17Flags(String label, Path sparkHome) throws Exception {
    Path lake = tmp.resolve("lake");
    LauncherProcess.Result r = LauncherProcess.run(sparkHome, 300, "datagen", "--set", "lake.root=" + lake,
        "--set", "datagen.users=50", "--set", "datagen.videos=40", "--set", "datagen.days=2", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.all());
    assertTrue(r.stdout().matches("(?s).*datagen: [0-9,]+ impressions -> .*"), r.stdout());
    assertTrue(Files.isDirectory(lake.resolve("raw/log/_delta_log")), "raw log is a Delta table");
    assertFalse(r.stderr().contains("InaccessibleObjectException"), r.stderr());
  }
}
