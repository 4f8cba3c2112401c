package io.infnet.jobs.report;

import io.infnet.jobs.dist.DistributedTrainer;
import io.infnet.model.train.MetricRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * A run's report as one self-contained HTML file (inline CSS and SVG, no script, nothing fetched), so that it opens
 * from the lake, an archive or a mail attachment: what was trained on what, and the loss and per-task validation
 * curves.
 */
public final class RunReport {
  public static final String FILE = "report.html";

  /** What the report describes: the run's identity and inputs, and what training produced. */
  public record Run(String runId, String modelName, int modelVersion, String configHash, String featurePath,
      long featureVersion, Map<String, Long> rowsPerSplit, int workers, DistributedTrainer.Result result) {}

  private static final String STYLE = """
      body{font:14px/1.45 system-ui,sans-serif;color:#222;margin:24px;max-width:1180px}
      h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:20px 0 8px}
      table{border-collapse:collapse}td,th{padding:3px 12px 3px 0;text-align:left;vertical-align:top}
      th{color:#555;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
      .charts{display:flex;flex-wrap:wrap;gap:16px}svg.chart{max-width:100%;height:auto;border:1px solid #ddd}
      """ + SvgLineChart.STYLE + "\n";

  private RunReport() {}

  public static String html(Run run) {
    List<MetricRecord> history = run.result().history();
    String title = "Training run " + run.runId();
    StringBuilder page = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>").append(Html.escape(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
        .append("<h1>").append(Html.escape(title)).append("</h1>\n")
        .append(summary(run)).append(bestAuc(run.result().bestValidAuc()));
    if (history.isEmpty()) {
      page.append("<p class=\"no-history\">This run recorded no metric history: there are no curves to show.</p>\n");
    } else {
      page.append("<h2>Curves</h2>\n<div class=\"charts\">\n").append(charts(history)).append("</div>\n");
    }
    return page.append("</body>\n</html>\n").toString();
  }

  private static String summary(Run run) {
    DistributedTrainer.Result r = run.result();
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("model", run.modelName() + " version " + run.modelVersion());
    rows.put("config hash", run.configHash());
    rows.put("features", run.featurePath() + " (Delta version " + run.featureVersion() + ")");
    List<String> splits = new ArrayList<>();
    run.rowsPerSplit().forEach((split, n) -> splits.add(String.format(Locale.ROOT, "%s %,d", split, n)));
    rows.put("rows", String.join(", ", splits));
    rows.put("training", String.format(Locale.ROOT, "%,d steps, %d epoch(s), best epoch %d", r.steps(), r.epochsRun(), r.bestEpoch()));
    rows.put("workers", String.valueOf(run.workers()));
    rows.put("mean step (worker 0)", r.stepTime());
    StringBuilder html = new StringBuilder("<table class=\"summary\">\n");
    rows.forEach((k, v) -> html.append("<tr><th>").append(Html.escape(k)).append("</th><td>").append(Html.escape(v)).append("</td></tr>\n"));
    return html.append("</table>\n").toString();
  }

  private static String bestAuc(Map<String, Double> auc) {
    StringBuilder html = new StringBuilder("<h2>Best validation AUC</h2>\n<table class=\"best-auc\">\n<tr><th>task</th><th>AUC</th></tr>\n");
    auc.forEach((task, v) -> html.append("<tr><td>").append(Html.escape(task)).append("</td><td class=\"num\">")
        .append(String.format(Locale.ROOT, "%.4f", v)).append("</td></tr>\n"));
    return html.append("</table>\n").toString();
  }

  private static String charts(List<MetricRecord> history) {
    // One colour per task, the same in every validation chart.
    List<String> tasks = tasks(history, m -> m.split().equals("valid"));
    return SvgLineChart.render("chart-loss", "Training loss", "step", "loss",
            series(history, tasks(history, RunReport::isTrainLoss), RunReport::isTrainLoss, MetricRecord::step))
        + SvgLineChart.render("chart-auc", "Validation AUC per task", "epoch", "AUC",
            series(history, tasks, m -> isValid(m, "auc"), MetricRecord::epoch))
        + SvgLineChart.render("chart-logloss", "Validation logloss per task", "epoch", "logloss",
            series(history, tasks, m -> isValid(m, "logloss"), MetricRecord::epoch));
  }

  private static boolean isTrainLoss(MetricRecord m) {
    return m.split().equals("train") && m.metric().equals("loss");
  }

  private static boolean isValid(MetricRecord m, String metric) {
    return m.split().equals("valid") && m.metric().equals(metric);
  }

  private static List<String> tasks(List<MetricRecord> history, Predicate<MetricRecord> which) {
    Set<String> tasks = new LinkedHashSet<>();
    for (MetricRecord m : history) if (which.test(m)) tasks.add(m.task());
    return new ArrayList<>(tasks);
  }

  /** One series per task that has records, coloured by the task's place in {@code tasks}. */
  private static List<SvgLineChart.Series> series(List<MetricRecord> history, List<String> tasks, Predicate<MetricRecord> which,
      ToDoubleFunction<MetricRecord> x) {
    List<SvgLineChart.Series> series = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      String task = tasks.get(i);
      List<SvgLineChart.Point> points = history.stream().filter(which).filter(m -> m.task().equals(task))
          .map(m -> new SvgLineChart.Point(x.applyAsDouble(m), m.value())).toList();
      if (!points.isEmpty()) series.add(new SvgLineChart.Series(task, SvgLineChart.COLOURS[i % SvgLineChart.COLOURS.length], points));
    }
    return series;
  }
}
