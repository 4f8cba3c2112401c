package io.infnet.model.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.model.Synthetic;
import io.infnet.model.data.ExampleSet;
import io.infnet.schema.FeatureSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelComparisonTest {
  private final FeatureSchema schema = Synthetic.schema();

  @Test
  void everyVariantAndSeedIsTrainedAndReportedNextToTheOracle(@TempDir Path dir) throws Exception {
    ExampleSet train = Synthetic.exampleSet(schema, 1200, new Random(1));
    ExampleSet valid = Synthetic.exampleSet(schema, 200, new Random(2));
    ExampleSet test = Synthetic.exampleSet(schema, 300, new Random(3));
    InfnetConfig config = InfnetConfig.defaults().with("model.dim=8", "model.tower_hidden=8", "train.batch_size=64",
        "train.epochs=4", "train.learning_rate=0.01", "train.warmup_steps=0");
    Files.writeString(dir.resolve("variants.txt"), "# a comment\ninfnet\n\nmmoe model.type=mmoe model.experts=2\n");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ModelComparison c = new ModelComparison(config, schema, train, valid, test, new PrintStream(log, true, StandardCharsets.UTF_8));

    String summary = c.runAll(Variant.parse(dir.resolve("variants.txt")), List.of(5L, 6L), dir.resolve("out"), "t", "h");

    assertEquals(4, c.runs.size(), "2 variants x 2 seeds");
    assertEquals(4 * 3, c.results.size(), "a result per run and task");
    for (ModelComparison.TaskResult r : c.results) assertTrue(r.auc() > 0.55 && r.logloss() > 0, "learns the planted rule: " + r);
    assertTrue(c.results.stream().mapToDouble(ModelComparison.TaskResult::auc).average().orElseThrow() > 0.65, c.results.toString());
    List<ModelComparison.TaskResult> oracle = c.oracle();
    assertEquals(3, oracle.size());
    // the planted rule with 10% of labels flipped: the true probability ranks at AUC 0.5·(1 + 0.9 − 0.1) = 0.9
    for (ModelComparison.TaskResult o : oracle) assertEquals(0.9, o.auc(), 0.05, "the oracle is scored on the test rows: " + o);
    assertTrue(summary.contains("| oracle |") && summary.contains("| infnet |") && summary.contains("| mmoe |"), summary);
    assertTrue(summary.matches("(?s).*\\| infnet \\| 0\\.\\d{4} ± 0\\.\\d{4} \\|.*"), "mean ± std over 2 seeds: " + summary);
    for (String f : List.of("results.csv", "curves.csv", "gradients.csv", "activations.csv", "runs.csv", "summary.md")) {
      assertTrue(Files.size(dir.resolve("out").resolve(f)) > 0, f);
    }
    List<String> curves = Files.readAllLines(dir.resolve("out/curves.csv"));
    long infnetSeed5Points = curves.stream().filter(l -> l.startsWith("infnet,5,")).count();
    assertEquals(3L * c.runs.stream().filter(r -> r.variant().equals("infnet") && r.seed() == 5).findFirst().orElseThrow().epochsRun(),
        infnetSeed5Points, "a validation point per epoch and task");
    assertTrue(Files.readString(dir.resolve("out/gradients.csv")).contains("infnet,5,1,block_0.task_from_cat,"));
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("compare: mmoe seed 6 epoch 1 valid AUC click="));
  }

  @Test
  void aVariantLineWithoutKeyValueIsRejectedNamingTheLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("v.txt"), "infnet\ndcnv2 model.type\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Variant.parse(dir.resolve("v.txt")));
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("model.type"), e.getMessage());
  }
}
