package io.infnet.jobs.dist;

import io.infnet.json.Jsons;
import io.infnet.jobs.Tables;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The driver's live progress line while the workers train: worker 0 writes {@value #FILE} next to the checkpoints
 * every few seconds; this thread reads it and prints step, samples/s, loss and ETA. It works wherever the lake is
 * shared (a cluster's executors cannot write to the driver's console).
 */
final class ProgressMonitor implements AutoCloseable {
  static final String FILE = "progress.json";
  private static final long POLL_MILLIS = 5_000;
  private final Thread thread;
  private volatile boolean running = true;

  private ProgressMonitor(Path file, Configuration conf, PrintStream out, long stepsPerEpoch, int epochs) {
    thread = new Thread(() -> poll(file, conf, out, stepsPerEpoch, epochs), "infnet-progress");
    thread.setDaemon(true);
  }

  static ProgressMonitor start(String checkpointDir, Configuration conf, PrintStream out, long stepsPerEpoch, int epochs) {
    ProgressMonitor m = new ProgressMonitor(new Path(checkpointDir, FILE), conf, out, stepsPerEpoch, epochs);
    m.thread.start();
    return m;
  }

  private void poll(Path file, Configuration conf, PrintStream out, long stepsPerEpoch, int epochs) {
    String last = "";
    while (running) {
      try {
        Thread.sleep(POLL_MILLIS);
        FileSystem fs = file.getFileSystem(conf);
        if (!fs.exists(file)) continue;
        String text;
        try (InputStream in = fs.open(file)) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (text.equals(last) || text.isBlank()) continue;
        last = text;
        Progress p = Jsons.read(text, Progress.class, file.toString());
        long remaining = stepsPerEpoch * epochs - p.step();
        out.printf("train: epoch %d/%d step %d/%d loss %.4f %,.0f samples/s ETA %s (at most)%n", p.epoch(), epochs,
            (p.step() - 1) % stepsPerEpoch + 1, stepsPerEpoch, p.loss(), p.samplesPerSecond(),
            Tables.duration(p.stepsPerSecond() > 0 ? remaining / p.stepsPerSecond() : 0));
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        // a half-written or unreadable progress file: the next poll reads a complete one
      }
    }
  }

  /** One line of {@value #FILE}: where worker 0 is and how fast it goes. */
  record Progress(int epoch, long step, double loss, double samplesPerSecond, double stepsPerSecond) {}

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
