package io.infnet.jobs.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One training worker's memory at the end of its run: peak resident set (VmHWM; 0 where /proc is absent) and embedding rows held. */
public record WorkerFootprint(int rank, long peakResidentBytes, long embeddingRows) {
  /** This JVM's peak resident set size, from /proc/self/status. */
  static long thisJvmPeakResident() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | RuntimeException e) {
      return 0; // not Linux: the figure is informative only
    }
    return 0;
  }
}
