package io.infnet.features;

import io.infnet.config.InfnetConfig;
import io.infnet.features.datagen.DataGenerator;
import io.infnet.lake.LakePaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small generated raw lake (6 days: 4 train, 1 valid, 1 test), generated once per test JVM; tests that
 * change raw data get their own copy of it.
 */
public final class SmallLake {
  private static final String[] SETTINGS = {"datagen.users=150", "datagen.videos=120", "datagen.days=6",
      "split.train_end=2022-04-11", "split.valid_end=2022-04-12", "features.sequence_max_length=8"};
  private static InfnetConfig generated;

  private SmallLake() {}

  /** The shared lake's config (do not modify its raw tables). */
  public static synchronized InfnetConfig config() {
    if (generated == null) {
      generated = SparkTestSupport.config(SETTINGS);
      DataGenerator.run(SparkTestSupport.spark(), generated);
    }
    return generated;
  }

  /** A fresh lake holding a copy of the shared raw tables and nothing else, with {@code overrides}. */
  public static InfnetConfig copy(String... overrides) {
    return copyOf(config(), List.of("raw"), overrides);
  }

  /** A fresh lake with copies of {@code folders} (relative to the lake root) of {@code source}'s lake. */
  public static InfnetConfig copyOf(InfnetConfig source, List<String> folders, String... overrides) {
    InfnetConfig target = SparkTestSupport.config(SETTINGS).with(overrides);
    for (String folder : folders) {
      copyTree(Paths.get(LakePaths.of(source).root(), folder), Paths.get(LakePaths.of(target).root(), folder));
    }
    return target;
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(dest);
        else Files.copy(p, dest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
