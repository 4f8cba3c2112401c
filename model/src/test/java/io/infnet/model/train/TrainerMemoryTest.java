package io.infnet.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.FeatureSchema.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training steps must not keep native memory, whether the optimizer reads the trainer's own device gradients or
 * gradients summed on the host (a data-parallel worker). The allocator's side of it (jemalloc without purging grew
 * the quick start's driver ~30 MB per step) is measured by bench/memory, not here: test JVMs run glibc malloc.
 */
class TrainerMemoryTest {
  private static long residentMegabytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  private static void step(Trainer trainer, Batch batch, boolean reducedOnHost) {
    trainer.computeGradients(batch);
    Gradients own = trainer.gradients();
    trainer.applyUpdate(reducedOnHost ? Gradients.fromBytes(own.toBytes()) : own);
  }

  @ParameterizedTest(name = "gradients reduced on the host: {0}")
  @ValueSource(booleans = {false, true})
  void stepsKeepResidentMemoryFlat(boolean reducedOnHost) throws Exception {
    FeatureSchema base = Synthetic.schemaWithoutSequences();
    List<Field> fields = new ArrayList<>(base.fields());
    fields.set(0, new Field("user_id", 1_000_000)); // a 32 MB embedding table: each step's gradient buffer is as large
    ModelSpec spec = Synthetic.spec(new FeatureSchema(fields, List.of(), base.tasks(), 0));
    List<Batch> batches = TrainerTest.batches(spec, 8, 512, 3);
    try (RankingModel model = Models.create(spec, 1); Trainer trainer = new Trainer(model, TrainerTest.options())) {
      for (int i = 0; i < 40; i++) step(trainer, batches.get(i % batches.size()), reducedOnHost); // heap and pools settle
      long before = residentMegabytes();
      for (int i = 0; i < 60; i++) step(trainer, batches.get(i % batches.size()), reducedOnHost);
      long grown = residentMegabytes() - before;
      assertTrue(grown < 300, "60 steps grew the process by " + grown + " MB (a gradient buffer kept per step: ~1,900)");
    }
  }
}
