package io.infnet.jobs.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.train.LoopState;
import io.infnet.model.train.MetricRecord;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingOptions;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints in a (local) Hadoop file system: they round-trip, and a corrupted one is refused. */
class CheckpointStoreTest {
  @TempDir Path dir;

  private static final FeatureSchema SCHEMA = new FeatureSchema(
      List.of(new FeatureSchema.Field("user_id", 20), new FeatureSchema.Field("video_id", 15)),
      List.of(new FeatureSchema.Sequence("click", 3, List.of("video_id"))), List.of("click"), 0);
  private static final InfnetConfig CONFIG = InfnetConfig.defaults().with("model.dim=8", "model.blocks=1",
      "tasks.names=click", "features.sequences=click", "model.time_gap=false", "features.gap_buckets=0");

  private static Batch batch() {
    Batch b = new Batch(SCHEMA, 4);
    for (int i = 0; i < 4; i++) b.add(new int[] {i + 1, i + 2}, new int[][][] {{{3, 4}}}, null, new Integer[] {i % 2});
    return b;
  }

  private static Trainer trainer(RankingModel model) {
    return new Trainer(model, TrainingOptions.from(CONFIG));
  }

  @Test
  void aCheckpointRoundTripsTrainerAndLoopState() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve("run").toString(), new Configuration());
    assertEquals(Optional.empty(), store.latestStep());
    double nextLoss;
    try (RankingModel model = Models.create(ModelSpec.from(CONFIG, SCHEMA), 1); Trainer t = trainer(model)) {
      t.step(batch());
      store.save(t, new LoopState(1, 0.7, 1, Map.of("click", 0.7), List.of(new MetricRecord(1, 1, "valid", "click", "auc", Double.NaN)), 0, 0),
          Map.of("extra.bin", new byte[] {1, 2, 3}));
      nextLoss = t.computeGradients(batch()).loss();
    }
    assertEquals(Optional.of(1L), store.latestStep());
    try (RankingModel model = Models.create(ModelSpec.from(CONFIG, SCHEMA), 99); Trainer t = trainer(model)) {
      CheckpointStore.Restored r = store.restore(t, 1, List.of("extra.bin"));
      assertEquals(1, r.loopState().epochsDone());
      assertEquals(Map.of("click", 0.7), r.loopState().bestAuc());
      assertTrue(Double.isNaN(r.loopState().history().get(0).value()), "an undefined metric stays NaN through JSON");
      assertEquals(3, r.files().get("extra.bin").length);
      assertEquals(1, t.stepCount());
      assertEquals(nextLoss, t.computeGradients(batch()).loss(), 0.0, "restored weights continue exactly");
    }
  }

  @Test
  void aCorruptedCheckpointIsRefused() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve("run").toString(), new Configuration());
    try (RankingModel model = Models.create(ModelSpec.from(CONFIG, SCHEMA), 1); Trainer t = trainer(model)) {
      t.step(batch());
      store.save(t, LoopState.initial(), Map.of());
    }
    Path weights;
    try (var files = Files.walk(dir.resolve("run/step-1"))) {
      weights = files.filter(p -> p.getFileName().toString().equals("weights.safetensors")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 1] ^= 0x55;
    Files.write(weights, bytes);
    Files.deleteIfExists(weights.resolveSibling(".weights.safetensors.crc")); // the local FS's own checksum file
    try (RankingModel model = Models.create(ModelSpec.from(CONFIG, SCHEMA), 1); Trainer t = trainer(model)) {
      IOException e = assertThrows(IOException.class, () -> store.restore(t, 1, List.of()));
      assertTrue(e.getMessage().contains("is corrupted: weights.safetensors does not match its sha256"), e.getMessage());
      assertEquals(0, t.stepCount(), "nothing was loaded");
    }
  }

  @Test
  void onlyTheNewestCheckpointsAreKeptAndDeadStagingIsCleared() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve("run").toString(), new Configuration(), 2);
    Files.createDirectories(dir.resolve("run/.staging-left-by-a-killed-writer"));
    try (RankingModel model = Models.create(ModelSpec.from(CONFIG, SCHEMA), 1); Trainer t = trainer(model)) {
      for (int i = 0; i < 4; i++) {
        t.step(batch());
        store.save(t, LoopState.initial(), Map.of());
      }
    }
    try (var entries = Files.list(dir.resolve("run"))) {
      assertEquals(List.of("step-3", "step-4"), entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
    }
    assertFalse(Files.exists(dir.resolve("run/.staging-left-by-a-killed-writer")));
    assertEquals(Optional.of(4L), store.latestStep());
  }

  /** A file slipped into a checkpoint, or a checkpoint without its checksums, is refused before anything is loaded. */
  @Test
  void aFileTheChecksumsDoNotListOrMissingChecksumsAreRefused() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve("run").toString(), new Configuration());
    try (RankingModel model = Models.create(ModelSpec.from(CONFIG, SCHEMA), 1); Trainer t = trainer(model)) {
      t.step(batch());
      store.save(t, LoopState.initial(), Map.of());
      Files.write(dir.resolve("run/step-1/optimizer-extra.bin"), new byte[] {1});
      IOException unlisted = assertThrows(IOException.class, () -> store.restore(t, 1, List.of()));
      assertTrue(unlisted.getMessage().contains("holds optimizer-extra.bin, which checksums.json does not list"), unlisted.getMessage());
      Files.delete(dir.resolve("run/step-1/checksums.json"));
      Files.deleteIfExists(dir.resolve("run/step-1/.checksums.json.crc"));
      IOException missing = assertThrows(IOException.class, () -> store.restore(t, 1, List.of()));
      assertTrue(missing.getMessage().contains("has no checksums.json; refusing to load it"), missing.getMessage());
    }
  }

  /**
   * A checkpoint directory that cannot be written (made immutable with chattr, which holds even for root) fails the
   * save with one clear message, and the previous checkpoint stays whole and loadable.
   */
  @Test
  void anUnwritableCheckpointDirectoryFailsClearlyAndKeepsThePreviousCheckpoint() throws Exception {
    CheckpointStore store = new CheckpointStore(dir.resolve("run").toString(), new Configuration());
    try (RankingModel model = Models.create(ModelSpec.from(CONFIG, SCHEMA), 1); Trainer t = trainer(model)) {
      t.step(batch());
      store.save(t, LoopState.initial(), Map.of());
      t.step(batch());
      org.junit.jupiter.api.Assumptions.assumeTrue(chattr("+i", dir.resolve("run")), "chattr +i is not available here");
      try {
        IOException e = assertThrows(IOException.class, () -> store.save(t, LoopState.initial(), Map.of()));
        assertTrue(e.getMessage().startsWith("cannot write checkpoint ") && e.getMessage().contains("step-2")
            && e.getMessage().endsWith("(step-1 is intact)"), e.getMessage());
      } finally {
        chattr("-i", dir.resolve("run"));
      }
    }
    assertEquals(Optional.of(1L), store.latestStep());
    try (RankingModel model = Models.create(ModelSpec.from(CONFIG, SCHEMA), 5); Trainer t = trainer(model)) {
      store.restore(t, 1, List.of());
      assertEquals(1, t.stepCount(), "the previous checkpoint loads");
    }
  }

  private static boolean chattr(String flag, Path path) throws Exception {
    Process p = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }
}
