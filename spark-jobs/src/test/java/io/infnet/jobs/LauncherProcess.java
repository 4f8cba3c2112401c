package io.infnet.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs bin/infnet as a user would, in its own process, and captures what it prints. */
final class LauncherProcess {
  static final Path PROJECT = Path.of(System.getProperty("infnet.project.dir", "..")).toAbsolutePath().normalize();
  /** The build folder of the Spark line under test ("target", or the spark-3.5 profile's): bin/infnet's INFNET_TARGET. */
  static final String TARGET = System.getProperty("infnet.target", "target");
  static final Path ASSEMBLED_SPARK_HOME = PROJECT.resolve("spark-home").resolve(TARGET).resolve("spark-home");
  /** Where the launched runs write their log files (INFNET_LOG_DIR), rather than the project's logs/. */
  static final Path LOG_DIR = Path.of(System.getProperty("java.io.tmpdir"), "infnet-test-logs");

  record Result(int exitCode, String stdout, String stderr) {
    String all() {
      return stdout + stderr;
    }
  }

  /** A launched bin/infnet whose output goes to files until it ends. */
  static final class Running {
    private final Process process;
    private final String command;
    private final Path out;
    private final Path err;

    private Running(Process process, String command, Path out, Path err) {
      this.process = process;
      this.command = command;
      this.out = out;
      this.err = err;
    }

    boolean isAlive() {
      return process.isAlive();
    }

    String stdoutSoFar() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    /**
     * The run's log file (conf/log4j2.properties: Spark's warnings and errors go there, not to stderr), found by the
     * launcher's pid, which bin/infnet puts in its name; empty if nothing was logged.
     */
    String log() throws IOException {
      String suffix = "-" + process.pid() + ".log";
      if (!Files.isDirectory(LOG_DIR)) return "";
      try (var files = Files.list(LOG_DIR)) {
        Path file = files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst().orElse(null);
        return file == null ? "" : Files.readString(file, StandardCharsets.UTF_8);
      }
    }

    /** SIGKILL to the launcher and everything it started: the driver dies without any shutdown hook. */
    void kill() throws InterruptedException {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(60, TimeUnit.SECONDS);
    }

    Result waitFor(long timeoutSeconds) throws IOException, InterruptedException {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        kill();
        throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s; stdout:\n" + Files.readString(out)
            + "\nstderr:\n" + Files.readString(err));
      }
      Result r = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return r;
    }
  }

  /** Runs {@code bin/infnet args} with SPARK_HOME unset ({@code sparkHome == null}) or set to it. */
  static Result run(Path sparkHome, long timeoutSeconds, String... args) throws IOException, InterruptedException {
    return start(sparkHome, args).waitFor(timeoutSeconds);
  }

  static Running start(Path sparkHome, String... args) throws IOException {
    return startScript("bin/infnet", sparkHome, args);
  }

  /** Runs one of the project's scripts ({@code bin/infnet}, {@code bench/accuracy}, ...) as {@link #start} does. */
  static Running startScript(String script, Path sparkHome, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(PROJECT.resolve(script).toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile());
    Map<String, String> env = pb.environment();
    env.remove("SPARK_HOME");
    if (sparkHome != null) env.put("SPARK_HOME", sparkHome.toString());
    env.put("INFNET_DRIVER_MEMORY", "3g");
    env.put("INFNET_TARGET", TARGET);
    env.put("INFNET_LOG_DIR", LOG_DIR.toString());
    Path out = Files.createTempFile("infnet-out", ".txt");
    Path err = Files.createTempFile("infnet-err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return new Running(pb.start(), script + " " + String.join(" ", args), out, err);
  }
}
