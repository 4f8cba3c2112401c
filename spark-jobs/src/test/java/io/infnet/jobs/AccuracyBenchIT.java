package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/accuracy --mini, as the README's benchmark command runs it: both data sets (generated logs over the real
 * KuaiRand-Pure users/videos with the oracle, and the real InstEval ratings) reach a results table with every model
 * of bench/accuracy.d/models.txt. It checks that the study's tables are produced, not who wins.
 */
class AccuracyBenchIT {
  private static final List<String> MODELS = List.of("infnet", "shared_bottom", "mmoe", "ple", "dcnv2", "full_attention");

  @Test
  void miniStudyWritesATableForEveryModelAndTaskOfBothDataSets(@TempDir Path out) throws Exception {
    LauncherProcess.Result r = LauncherProcess.startScript("bench/accuracy", null, "--mini", "--out=" + out).waitFor(1500);
    assertEquals(0, r.exitCode(), r.all());

    assertResults(out.resolve("kuairand"), List.of("click", "like", "long_view"), true);
    assertResults(out.resolve("insteval"), List.of("like", "love"), false);
    String summary = Files.readString(out.resolve("kuairand/summary.md"), StandardCharsets.UTF_8);
    assertTrue(summary.contains("| oracle |"), summary);
    assertTrue(summary.contains("click AUC") && summary.contains("click gAUC") && summary.contains("click logloss"), summary);
    assertTrue(r.stdout().contains("Accuracy study: kuairand") && r.stdout().contains("Accuracy study: insteval"), r.stdout());
  }

  private static void assertResults(Path dir, List<String> tasks, boolean withOracle) throws Exception {
    List<String[]> rows = Files.readAllLines(dir.resolve("results.csv"), StandardCharsets.UTF_8).stream().skip(1)
        .map(l -> l.split(",")).toList();
    Set<String> variants = rows.stream().map(c -> c[0]).collect(Collectors.toSet());
    assertTrue(variants.containsAll(MODELS), dir + ": " + variants);
    assertEquals(withOracle, variants.contains("oracle"), dir + ": " + variants);
    for (String model : MODELS) {
      Set<String> seen = rows.stream().filter(c -> c[0].equals(model)).map(c -> c[2]).collect(Collectors.toSet());
      assertEquals(Set.copyOf(tasks), seen, model + " in " + dir);
    }
    for (String[] c : rows) {
      double auc = Double.parseDouble(c[3]);
      double logloss = Double.parseDouble(c[5]);
      assertTrue(auc >= 0 && auc <= 1 && logloss > 0, String.join(",", c));
    }
    if (withOracle) {
      double oracleClick = rows.stream().filter(c -> c[0].equals("oracle") && c[2].equals("click"))
          .mapToDouble(c -> Double.parseDouble(c[3])).findFirst().orElseThrow();
      assertTrue(oracleClick > 0.7, "the oracle ranks clicks far better than chance: " + oracleClick);
    }
    assertTrue(Files.readAllLines(dir.resolve("curves.csv")).size() > MODELS.size(), "a validation point per model");
    assertTrue(Files.readString(dir.resolve("activations.csv")).contains("infnet,7,1,attention_entropy:block_0.task_from_cat"));
  }
}
