package io.infnet.model.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The files of a comparison: results.csv (test metrics per run and task, the oracle's first), curves.csv
 * (validation per epoch), gradients.csv (gradient norm per component and epoch), activations.csv (attention
 * entropy, gate and token spread per epoch), runs.csv and summary.md (mean ± std over seeds).
 */
final class ComparisonReport {
  private ComparisonReport() {}

  /** Writes every file from what {@code c} has measured so far. @param header a paragraph on what was compared */
  static void write(Path dir, ModelComparison c, List<ModelComparison.TaskResult> oracle, String title, String header)
      throws IOException {
    StringBuilder results = new StringBuilder("variant,seed,task,auc,gauc,logloss\n");
    for (ModelComparison.TaskResult t : concat(oracle, c.results)) {
      results.append(String.format(Locale.ROOT, "%s,%d,%s,%.6f,%.6f,%.6f%n", t.variant(), t.seed(), t.task(), t.auc(), t.gauc(), t.logloss()));
    }
    StringBuilder curves = new StringBuilder("variant,seed,epoch,task,train_loss,valid_auc,valid_logloss\n");
    for (ModelComparison.CurvePoint p : c.curves) {
      for (String task : p.validAuc().keySet()) {
        curves.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%.6f,%.6f,%.6f%n", p.variant(), p.seed(), p.epoch(), task,
            p.trainLoss(), p.validAuc().get(task), p.validLogloss().get(task)));
      }
    }
    StringBuilder gradients = new StringBuilder("variant,seed,epoch,component,gradient_norm,weight_norm\n");
    for (ModelComparison.GradientPoint g : c.gradients) {
      gradients.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%.6g,%.6g%n", g.variant(), g.seed(), g.epoch(), g.component(),
          g.gradientNorm(), g.weightNorm()));
    }
    StringBuilder activations = new StringBuilder("variant,seed,epoch,statistic,value\n");
    for (ModelComparison.ActivationPoint a : c.activations) {
      activations.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%.6g%n", a.variant(), a.seed(), a.epoch(), a.statistic(), a.value()));
    }
    StringBuilder runs = new StringBuilder("variant,seed,parameters,train_seconds,epochs_run,best_epoch\n");
    for (ModelComparison.Run r : c.runs) {
      runs.append(String.format(Locale.ROOT, "%s,%d,%d,%.1f,%d,%d%n", r.variant(), r.seed(), r.parameters(), r.trainSeconds(),
          r.epochsRun(), r.bestEpoch()));
    }
    String summary = "# " + title + "\n\n" + header + "\n\n" + summaryTable(c, oracle);
    Files.writeString(dir.resolve("results.csv"), results, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("curves.csv"), curves, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("gradients.csv"), gradients, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("runs.csv"), runs, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("activations.csv"), activations, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("summary.md"), summary, StandardCharsets.UTF_8);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** One row per variant (oracle first): per task AUC, gAUC and logloss as mean ± std, then seeds and train time. */
  public static String summaryTable(ModelComparison c, List<ModelComparison.TaskResult> oracle) {
    Map<String, List<ModelComparison.TaskResult>> byVariant = new LinkedHashMap<>();
    for (ModelComparison.TaskResult t : concat(oracle, c.results)) byVariant.computeIfAbsent(t.variant(), k -> new ArrayList<>()).add(t);
    List<String> tasks = concat(oracle, c.results).stream().map(ModelComparison.TaskResult::task).distinct().toList();
    List<String> header = new ArrayList<>(List.of("model"));
    for (String task : tasks) header.addAll(List.of(task + " AUC", task + " gAUC", task + " logloss"));
    header.addAll(List.of("seeds", "train s", "best epoch"));
    List<List<String>> cells = new ArrayList<>();
    cells.add(header);
    for (Map.Entry<String, List<ModelComparison.TaskResult>> e : byVariant.entrySet()) {
      List<String> row = new ArrayList<>(List.of(e.getKey()));
      for (String task : tasks) {
        List<ModelComparison.TaskResult> r = e.getValue().stream().filter(t -> t.task().equals(task)).toList();
        row.add(meanStd(r.stream().mapToDouble(ModelComparison.TaskResult::auc).toArray()));
        row.add(meanStd(r.stream().mapToDouble(ModelComparison.TaskResult::gauc).toArray()));
        row.add(meanStd(r.stream().mapToDouble(ModelComparison.TaskResult::logloss).toArray()));
      }
      List<ModelComparison.Run> runs = c.runs.stream().filter(r -> r.variant().equals(e.getKey())).toList();
      row.add(runs.isEmpty() ? "-" : String.valueOf(runs.size()));
      row.add(runs.isEmpty() ? "-" : meanStd(runs.stream().mapToDouble(ModelComparison.Run::trainSeconds).toArray(), "%.0f"));
      row.add(runs.isEmpty() ? "-" : runs.stream().map(r -> String.valueOf(r.bestEpoch())).collect(Collectors.joining("/")));
      cells.add(row);
    }
    return markdown(cells);
  }

  static String meanStd(double[] v) {
    return meanStd(v, "%.4f");
  }

  private static String meanStd(double[] v, String fmt) {
    double mean = Arrays.stream(v).average().orElse(Double.NaN);
    if (v.length < 2) return String.format(Locale.ROOT, fmt, mean);
    double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1);
    return String.format(Locale.ROOT, fmt + " ± " + fmt, mean, Math.sqrt(var));
  }

  private static String markdown(List<List<String>> cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      sb.append("| ").append(String.join(" | ", cells.get(i))).append(" |\n");
      if (i == 0) sb.append("|").append("---|".repeat(cells.get(0).size())).append('\n');
    }
    return sb.toString();
  }
}
