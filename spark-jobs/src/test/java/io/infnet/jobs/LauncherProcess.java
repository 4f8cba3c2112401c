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
  static final Path ASSEMBLED_SPARK_HOME = PROJECT.resolve("spark-home/target/spark-home");

  record Result(int exitCode, String stdout, String stderr) {
    String all() {
      return stdout + stderr;
    }
  }

  /** Runs {@code bin/infnet args} with SPARK_HOME unset ({@code sparkHome == null}) or set to it. */
  static Result run(Path sparkHome, long timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(PROJECT.resolve("bin/infnet").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile());
    Map<String, String> env = pb.environment();
    env.remove("SPARK_HOME");
    if (sparkHome != null) env.put("SPARK_HOME", sparkHome.toString());
    env.put("INFNET_DRIVER_MEMORY", "3g");
    Path out = Files.createTempFile("infnet-out", ".txt");
    Path err = Files.createTempFile("infnet-err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("bin/infnet " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s; stdout:\n"
          + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return r;
  }
}
