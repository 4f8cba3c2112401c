package io.infnet.jobs.lake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicPublishTest {
  @TempDir java.nio.file.Path dir;

  private FileSystem fs() throws IOException {
    return FileSystem.getLocal(new Configuration());
  }

  private java.nio.file.Path localFolder(String content) throws IOException {
    java.nio.file.Path d = Files.createTempDirectory(dir, "local");
    Files.writeString(d.resolve("a.txt"), content);
    return d;
  }

  private List<String> names(Path parent) throws IOException {
    return java.util.Arrays.stream(fs().listStatus(parent)).map(s -> s.getPath().getName()).filter(n -> !n.startsWith(".") || n.startsWith(".staging-"))
        .filter(n -> !n.endsWith(".crc")).sorted().toList();
  }

  @Test
  void newFoldersClaimTheNextFreeNameAndLeaveNoStaging() throws IOException {
    Path parent = new Path(dir.resolve("models").toUri());
    AtomicPublish.Candidates next = attempt -> new Path(parent, String.valueOf(fs().exists(parent) ? fs().listStatus(parent,
        p -> p.getName().matches("[0-9]+")).length + 1 : 1));
    Path first = AtomicPublish.directoryAsNew(fs(), localFolder("one"), parent, next);
    Path second = AtomicPublish.directoryAsNew(fs(), localFolder("two"), parent, next);
    assertEquals(List.of("1", "2"), names(parent));
    assertEquals("one", Files.readString(java.nio.file.Path.of(first.toUri()).resolve("a.txt")));
    assertEquals("two", Files.readString(java.nio.file.Path.of(second.toUri()).resolve("a.txt")));
  }

  @Test
  void aFileIsReplacedWholeAndStagingOfADeadWriterIsCleared() throws IOException {
    Path parent = new Path(dir.resolve("run").toUri());
    Path target = new Path(parent, "progress.json");
    AtomicPublish.file(fs(), target, "{\"step\":1}".getBytes());
    AtomicPublish.file(fs(), target, "{\"step\":2}".getBytes());
    assertArrayEquals("{\"step\":2}".getBytes(), Files.readAllBytes(java.nio.file.Path.of(target.toUri())));
    fs().mkdirs(new Path(parent, ".staging-left-by-a-killed-writer"));
    assertTrue(names(parent).contains(".staging-left-by-a-killed-writer"));
    AtomicPublish.clearStaging(fs(), parent);
    assertEquals(List.of("progress.json"), names(parent));
    AtomicPublish.directory(fs(), localFolder("x"), new Path(parent, "step-5"));
    AtomicPublish.directory(fs(), localFolder("y"), new Path(parent, "step-5"));
    assertEquals("y", Files.readString(dir.resolve("run/step-5/a.txt")));
    assertFalse(names(parent).stream().anyMatch(n -> n.startsWith(".staging-")));
  }
}
