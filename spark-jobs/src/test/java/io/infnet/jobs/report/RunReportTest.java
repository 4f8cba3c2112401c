package io.infnet.jobs.report;

import static io.infnet.jobs.report.RunReportFixtures.realisticHistory;
import static io.infnet.jobs.report.RunReportFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.model.train.MetricRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report's HTML and SVG: one line per series with exactly the finite points of the history, and nothing unescaped. */
class RunReportTest {
  private static final Pattern CHART = Pattern.compile("<svg class=\"chart\" id=\"([^\"]+)\".*?</svg>", Pattern.DOTALL);
  private static final Pattern POLYLINE = Pattern.compile("<polyline [^>]*data-series=\"([^\"]*)\"[^>]*points=\"([^\"]*)\"");

  @Test
  void chartsHaveOneLinePerSeriesWithEveryFinitePoint() {
    Map<String, String> charts = charts(RunReport.html(run(realisticHistory())));
    assertEquals(List.of("chart-loss", "chart-auc", "chart-logloss"), List.copyOf(charts.keySet()));

    int lossPoints = RunReportFixtures.EPOCHS * RunReportFixtures.STEPS_PER_EPOCH / RunReportFixtures.LOG_EVERY;
    assertEquals(Map.of("all", lossPoints), pointCounts(charts.get("chart-loss")));
    // like's NaN AUC of epoch 1 is skipped, not drawn at 0 or off the chart
    assertEquals(Map.of("click", 3, "like", 2, "long_view", 3), pointCounts(charts.get("chart-auc")));
    assertEquals(Map.of("click", 3, "like", 3, "long_view", 3), pointCounts(charts.get("chart-logloss")));
    assertEquals(0, count(charts.get("chart-loss"), "<circle"), "a long series is a plain line");
    assertEquals(8, count(charts.get("chart-auc"), "<circle"), "each epoch's value is marked");
  }

  @Test
  void everyPointLiesInsideThePlotAreaAndAxesAreLabelled() {
    for (String svg : charts(RunReport.html(run(realisticHistory()))).values()) {
      Matcher m = POLYLINE.matcher(svg);
      while (m.find()) {
        for (String xy : m.group(2).split(" ")) {
          double x = Double.parseDouble(xy.split(",")[0]);
          double y = Double.parseDouble(xy.split(",")[1]);
          assertTrue(x >= 64 && x <= SvgLineChart.WIDTH - 16 && y >= 56 && y <= SvgLineChart.HEIGHT - 44, xy + " in\n" + svg);
        }
      }
      assertTrue(count(svg, "class=\"tick\"") >= 6, "tick labels on both axes:\n" + svg);
      assertTrue(count(svg, "class=\"legend\"") >= 1, svg);
    }
  }

  @Test
  void singlePointSeriesIsAMarkerAndNaNOnlySeriesSaysNoValues() {
    List<MetricRecord> history = List.of(new MetricRecord(1, 10, "train", "all", "loss", 0.5),
        new MetricRecord(1, 10, "valid", "click", "auc", 0.7), new MetricRecord(1, 10, "valid", "click", "logloss", Double.NaN));
    Map<String, String> charts = charts(RunReport.html(run(history)));
    for (String id : List.of("chart-loss", "chart-auc")) {
      assertEquals(0, count(charts.get(id), "<polyline"), id);
      assertEquals(1, count(charts.get(id), "<circle"), id);
    }
    assertTrue(charts.get("chart-logloss").contains("no values recorded"), charts.get("chart-logloss"));
  }

  @Test
  void emptyHistorySaysSoAndDrawsNoChart() {
    String html = RunReport.html(run(List.of()));
    assertTrue(html.contains("recorded no metric history"), html);
    assertFalse(html.contains("<svg"), html);
  }

  @Test
  void textFromTheRunIsEscapedAndNothingIsFetched() {
    String task = "<b>\"x\" & 'y'</b>";
    List<MetricRecord> history = List.of(new MetricRecord(1, 5, "valid", task, "auc", 0.6), new MetricRecord(2, 10, "valid", task, "auc", 0.7));
    String html = RunReport.html(run("<script>alert(1)</script>", "m&m", "/lake/a<b>", Map.of(task, 0.7), history));
    assertFalse(html.contains("<script") || html.contains("<b>") || html.contains("m&m") || html.contains("a<b>"), html);
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
    assertTrue(html.contains("data-series=\"&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;\""), html);
    for (String external : List.of("src=", "href", "url(", "<link", "@import")) assertFalse(html.contains(external), external);
  }

  @Test
  void summaryNamesTheRunItsInputsAndItsCost() {
    String html = RunReport.html(run(realisticHistory()));
    for (String fact : List.of("20250101T120000-abcdef12", "infnet version 7", "cafe1234", "/lake/features/impressions (Delta version 5)",
        "train 12,288, valid 1,536", "144 steps, 3 epoch(s), best epoch 3", "communication 22.5 ms (7.0% of step)", "0.7100")) {
      assertTrue(html.contains(fact), fact + " in\n" + html);
    }
  }

  static Map<String, String> charts(String html) {
    Map<String, String> charts = new LinkedHashMap<>();
    Matcher m = CHART.matcher(html);
    while (m.find()) charts.put(m.group(1), m.group());
    return charts;
  }

  private static Map<String, Integer> pointCounts(String svg) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    Matcher m = POLYLINE.matcher(svg);
    while (m.find()) counts.put(m.group(1), m.group(2).split(" ").length);
    return counts;
  }

  private static int count(String s, String part) {
    return s.split(Pattern.quote(part), -1).length - 1;
  }
}
