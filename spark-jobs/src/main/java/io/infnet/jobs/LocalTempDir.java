package io.infnet.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** A local scratch directory, deleted with its contents on close: where files are staged before they go to the lake. */
public final class LocalTempDir implements AutoCloseable {
  private final Path path;

  public LocalTempDir(String prefix) throws IOException {
    this.path = Files.createTempDirectory(prefix);
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    try (var paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
