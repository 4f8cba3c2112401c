package io.infnet.jobs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Jobs run through {@link Main} on a lake in a test's temp folder, and the small CSV inputs they read. */
final class TempLakeJobs {
  private final Path dir;

  TempLakeJobs(Path dir) {
    this.dir = dir;
  }

  /** What a job printed and returned. */
  record Result(int code, String out, String err) {}

  /** {@code bin/infnet <args>} on {@code <dir>/lake}, local[2]. */
  Result main(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--set", "lake.root=" + dir.resolve("lake"), "--set", "spark.master=local[2]", "--set", "spark.shuffle_partitions=2"));
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code <dir>/name}: a header line, then {@code lines}, each ended by a newline. */
  Path csv(String name, String[] header, String... lines) throws IOException {
    StringBuilder text = new StringBuilder(String.join(",", header)).append('\n');
    for (String line : lines) text.append(line).append('\n');
    return Files.writeString(dir.resolve(name), text);
  }
}
