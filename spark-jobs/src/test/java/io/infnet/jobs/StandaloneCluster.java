package io.infnet.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real Spark standalone master + workers on this machine, started from the project's jars by bin/standalone-cluster. */
final class StandaloneCluster implements AutoCloseable {
  private final Path state;
  private final String url;

  private StandaloneCluster(Path state, String url) {
    this.state = state;
    this.url = url;
  }

  static StandaloneCluster start(Path state, int workers) throws IOException, InterruptedException {
    String out = script(state, "start", String.valueOf(workers)).trim();
    String url = out.substring(out.lastIndexOf('\n') + 1).trim();
    if (!url.startsWith("spark://")) throw new IllegalStateException("cluster did not start: " + out);
    return new StandaloneCluster(state, url);
  }

  String url() {
    return url;
  }

  /** The executor JVMs this cluster's workers launched (their working directories are under the cluster's state). */
  List<ProcessHandle> executors() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .filter(p -> workingDirectory(p).startsWith(state.toAbsolutePath()))
        .toList();
  }

  private static Path workingDirectory(ProcessHandle p) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", String.valueOf(p.pid()), "cwd"));
    } catch (IOException | UnsupportedOperationException e) {
      return Path.of("/nonexistent");
    }
  }

  private static String script(Path state, String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = LauncherProcess.PROJECT.resolve("bin/standalone-cluster").toString();
    System.arraycopy(args, 0, cmd, 1, args.length);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("INFNET_CLUSTER_DIR", state.toString());
    pb.environment().put("INFNET_WORKER_MEMORY", "3g");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("bin/standalone-cluster " + String.join(" ", args) + ": " + output);
    return output;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    script(state, "stop");
  }
}
