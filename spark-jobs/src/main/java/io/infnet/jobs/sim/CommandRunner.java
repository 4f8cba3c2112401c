package io.infnet.jobs.sim;

import io.infnet.jobs.JobContext.SessionOwner;
import io.infnet.jobs.Main;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs one rendered {@code bin/infnet} command line, plus {@code --set} overrides a simulation injects (a deliberately
 * worse retrain). {@link #inProcess()}: the line parsed into words and given to {@link Main#run} in this JVM, as the
 * launcher would hand them over (tests: no JVM start per command), all commands in one Spark session that the caller
 * stops (no session start per command). {@link #processes}: the exact line through
 * {@code bash -c}, a real launcher and JVM per command (the larger-scale simulation).
 */
public interface CommandRunner {
  /** Exit code, stdout, stderr and wall time of one command. */
  record Result(int code, String out, String err, double seconds) {
    public boolean ok() {
      return code == 0;
    }
  }

  Result run(String commandLine, Map<String, String> env, List<String> extraSets);

  static CommandRunner inProcess() {
    return (line, env, extraSets) -> {
      InfnetCommand.parse(line); // refuses what bash would interpret
      String[] args = InfnetCommand.parse(withSets(line, extraSets)).mainArgs();
      ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
      long t0 = System.nanoTime();
      int code;
      try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
        code = Main.run(args, o, e, SessionOwner.CALLER);
      }
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
    };
  }

  /** Each command in its own {@code bash -c} process (stdout and stderr kept in {@code logDir}). */
  static CommandRunner processes(Path logDir) {
    return (line, env, extraSets) -> {
      try {
        Files.createDirectories(logDir);
        File out = Files.createTempFile(logDir, "cmd-", ".out").toFile(), err = new File(out.getPath().replace(".out", ".err"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", withSets(line, extraSets)).redirectOutput(out).redirectError(err);
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        int code = pb.start().waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(code, Files.readString(out.toPath()), Files.readString(err.toPath()), seconds);
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + line + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + line, e);
      }
    };
  }

  private static String withSets(String line, List<String> sets) {
    StringBuilder sb = new StringBuilder(line);
    for (String s : sets) sb.append(" --set '").append(s).append('\'');
    return sb.toString();
  }
}
