package io.infnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.schema.FeatureSchema;
import io.infnet.schema.FeatureSchema.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer sets every weight after every step: doing so must not keep a copy of the weights per call. */
class NetworkModelMemoryTest {
  private static long residentMegabytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void settingWeightsRepeatedlyKeepsResidentMemoryFlat() throws Exception {
    FeatureSchema base = Synthetic.schemaWithoutSequences();
    List<Field> fields = new java.util.ArrayList<>(base.fields());
    fields.set(0, new Field("user_id", 1_000_000));                       // an 8M-float (32 MB) embedding table at d = 8
    ModelSpec spec = Synthetic.spec(new FeatureSchema(fields, List.of(), base.tasks(), 0), "model.type=shared_bottom");
    try (NetworkModel model = (NetworkModel) Models.create(spec, 1)) {
      String table = model.parameters().keySet().stream().filter(n -> n.startsWith("tokens.embedding")).findFirst().orElseThrow();
      float[] values = model.weights(table);
      model.setWeights(table, values);
      long before = residentMegabytes();
      for (int i = 0; i < 60; i++) {
        values[i] = i;
        model.setWeights(table, values);
      }
      long grown = residentMegabytes() - before;
      assertArrayEquals(values, model.weights(table), "the last values are the parameter's");
      assertTrue(grown < 400, "60 sets of a 32 MB table grew the process by " + grown + " MB (one copy per call: ~1,900)");
    }
  }
}
