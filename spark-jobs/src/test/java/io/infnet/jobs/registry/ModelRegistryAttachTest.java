package io.infnet.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file attached to a registered version appears whole under its name, replaces an older copy, and cannot replace the model. */
class ModelRegistryAttachTest {
  @TempDir Path root;

  @Test
  void attachedFileAppearsUnderItsNameAndNothingElseIsLeft() throws Exception {
    Path version = Files.createDirectories(root.resolve("infnet/1"));
    ModelRegistry registry = new ModelRegistry(root.toString(), new Configuration());
    ModelStore.Entry entry = new ModelStore.Entry("infnet", 1, version.toString());

    registry.attach(entry, "report.html", "old".getBytes());
    String path = registry.attach(entry, "report.html", "<html>new</html>".getBytes());

    assertEquals("<html>new</html>", Files.readString(version.resolve("report.html")));
    assertEquals(version.resolve("report.html").toString(), new org.apache.hadoop.fs.Path(path).toUri().getPath());
    try (var files = Files.list(version)) {
      List<String> visible = files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList();
      assertEquals(List.of("report.html"), visible, "no staging file left behind");
    }
    assertThrows(IllegalArgumentException.class, () -> registry.attach(entry, ModelRegistry.MANIFEST, new byte[0]));
  }
}
