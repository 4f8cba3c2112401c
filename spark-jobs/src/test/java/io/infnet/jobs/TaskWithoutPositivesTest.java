package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Bad-input corpus, "a task with no positives" (docs/DATA_POLICY.md): the feature build keeps such a task (its label
 * rate is 0 in the quality report), and training refuses it before anything is written: a model that can only learn
 * "never" would look fine on logloss and be useless.
 */
class TaskWithoutPositivesTest {
  private static final String[] NEVER = {"tasks.names=click,long_view,never", "tasks.labels.never=is_click * 0"};

  @Test
  void trainingRefusesATaskWithoutPositivesNamingItAndWritesNothing() throws Exception {
    Path lake = TrainedLake.copy();
    TrainedLake.inProcess(lake, new FeaturesJob(), NEVER);
    List<String> models = listing(lake.resolve("models/infnet"));
    List<String> runs = listing(lake.resolve("checkpoints/infnet"));
    LakePaths paths = LakePaths.of(TrainedLake.config(lake));
    long history = Delta.version(TrainedLake.spark(), paths.trainingRuns());

    JobFailure e = assertThrows(JobFailure.class, () -> TrainedLake.inProcess(lake, new TrainJob(), NEVER));

    assertEquals("task 'never' has no positive label in the train split of " + paths.features(), e.getMessage());
    assertEquals(models, listing(lake.resolve("models/infnet")), "no model registered");
    assertEquals(runs, listing(lake.resolve("checkpoints/infnet")), "no run folder");
    assertEquals(history, Delta.version(TrainedLake.spark(), paths.trainingRuns()));
  }

  private static List<String> listing(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }
}
