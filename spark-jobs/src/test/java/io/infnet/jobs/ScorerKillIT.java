package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.features.spark.Delta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 5: kill -9 of {@code bin/infnet score} while it writes its data files. Delta's commit is the last
 * step, so the predictions table stays at its version with its rows (the dead run's files are never part of it), and a
 * rerun replaces the dates once.
 */
class ScorerKillIT {
  @Test
  void aScorerKilledMidWriteLeavesTheTableAsItWasAndARerunWritesOnce() throws Exception {
    Path lake = TrainedLake.copy();
    Path predictions = lake.resolve("predictions");
    assertEquals(0, TrainedLake.main(lake, "score", "--set", "score.split=all").code());
    long version = Delta.version(TrainedLake.spark(), predictions.toString());
    long rows = count(predictions);
    Set<Path> before = dataFiles(predictions);

    // one row per batch keeps the tasks writing for seconds: long enough to catch them with files open
    LauncherProcess.Running slow = LauncherProcess.start(null, args(lake, "score.split=all", "score.batch_size=1"));
    long deadline = System.currentTimeMillis() + 240_000;
    while (slow.isAlive() && System.currentTimeMillis() < deadline && before.containsAll(dataFiles(predictions))) Thread.sleep(50);
    assertTrue(slow.isAlive(), "the scorer was still running when its first data file appeared:\n" + slow.stdoutSoFar());
    slow.kill();

    assertTrue(!before.containsAll(dataFiles(predictions)), "it had started writing data files");
    assertEquals(version, Delta.version(TrainedLake.spark(), predictions.toString()), "no commit from the killed run");
    assertEquals(rows, count(predictions), "the table's rows are the earlier run's");

    assertEquals(0, TrainedLake.main(lake, "score", "--set", "score.split=all").code());
    assertEquals(version + 1, Delta.version(TrainedLake.spark(), predictions.toString()), "the rerun is one commit");
    Dataset<Row> table = TrainedLake.spark().read().format("delta").load(predictions.toString());
    assertEquals(rows, table.count(), "the rerun replaced the dates: no duplicates");
    assertEquals(rows, table.select("user_id", "video_id", "time_ms").distinct().count());
  }

  private static String[] args(Path lake, String... extra) {
    List<String> all = new ArrayList<>(List.of("score"));
    for (String s : TrainedLake.settings(lake)) all.addAll(List.of("--set", s));
    for (String s : extra) all.addAll(List.of("--set", s));
    return all.toArray(String[]::new);
  }

  private static long count(Path table) {
    return TrainedLake.spark().read().format("delta").load(table.toString()).count();
  }

  /** Every Parquet data file under the table's folder, committed or not. */
  private static Set<Path> dataFiles(Path table) throws IOException {
    try (Stream<Path> files = Files.walk(table)) {
      return files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).collect(Collectors.toSet());
    }
  }
}
