package io.infnet.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A line chart as inline SVG (the report must open without network access, so no charting library): one polyline
 * per series, a legend, axes with tick labels. Non-finite points are skipped; a series short enough to read point by
 * point (or of a single point, which has no line) also gets a marker per point.
 */
public final class SvgLineChart {
  /** One point; {@code y} may be NaN (a metric that could not be computed), which the chart skips. */
  public record Point(double x, double y) {}

  public record Series(String name, String colour, List<Point> points) {}

  static final int WIDTH = 560;
  static final int HEIGHT = 320;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 56;
  private static final int BOTTOM = 44;
  private static final int MARKED_POINTS_MAX = 30;
  private static final int TICKS = 5;

  private final StringBuilder svg = new StringBuilder();
  private final Axis x;
  private final Axis y;

  private SvgLineChart(Axis x, Axis y) {
    this.x = x;
    this.y = y;
  }

  /** The chart's SVG element; {@code id} names it in the page. X values are counts (steps, epochs): whole-number ticks. */
  /** Series colours, in order: one per task in the run report, one per model in a comparison's plots. */
  public static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2"};

  /** The charts' CSS (the report page carries it once for all its charts; {@link #standalone} embeds it). */
  static final String STYLE = ".plot-area{fill:none;stroke:#999}.grid{stroke:#eee}.tick,.legend{font-size:12px;fill:#444}"
      + ".axis-label{font-size:12px;fill:#666}.chart-title{font-size:15px;font-weight:600;fill:#222}.no-data{fill:#888}";

  /** {@link #render} as a file of its own: with the SVG namespace (a page's inline SVG needs none) and its CSS inside. */
  public static String standalone(String id, String title, String xLabel, String yLabel, List<Series> series) {
    String svg = render(id, title, xLabel, yLabel, series).replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ");
    int open = svg.indexOf('>') + 1;
    return svg.substring(0, open) + "<style>" + STYLE + "</style>" + svg.substring(open);
  }

  public static String render(String id, String title, String xLabel, String yLabel, List<Series> series) {
    List<Series> drawn = series.stream().map(s -> new Series(s.name(), s.colour(), finite(s.points()))).toList();
    List<Point> all = drawn.stream().flatMap(s -> s.points().stream()).toList();
    SvgLineChart chart = all.isEmpty() ? new SvgLineChart(null, null)
        : new SvgLineChart(Axis.over(all, Point::x, true), Axis.over(all, Point::y, false));
    chart.svg.append(String.format(Locale.ROOT,
        "<svg class=\"chart\" id=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n",
        Html.escape(id), WIDTH, HEIGHT, WIDTH, HEIGHT));
    chart.text(WIDTH / 2.0, 22, "middle", "chart-title", title);
    if (all.isEmpty()) {
      chart.text(WIDTH / 2.0, HEIGHT / 2.0, "middle", "no-data", "no values recorded");
    } else {
      chart.legend(drawn);
      chart.axes(xLabel, yLabel);
      drawn.forEach(chart::series);
    }
    return chart.svg.append("</svg>\n").toString();
  }

  private static List<Point> finite(List<Point> points) {
    return points.stream().filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y())).toList();
  }

  private void legend(List<Series> series) {
    double at = LEFT;
    for (Series s : series) {
      svg.append(String.format(Locale.ROOT, "<rect class=\"swatch\" x=\"%.1f\" y=\"34\" width=\"14\" height=\"4\" fill=\"%s\"/>%n",
          at, Html.escape(s.colour())));
      text(at + 18, 40, "start", "legend", s.name());
      at += 32 + 7 * s.name().length(); // no text metrics in Java without fonts: ~7 px per 12 px character
    }
  }

  private void axes(String xLabel, String yLabel) {
    svg.append(String.format(Locale.ROOT, "<rect class=\"plot-area\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>%n",
        LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
    for (double t : x.ticks()) {
      double px = xPixel(t);
      line(px, TOP, px, HEIGHT - BOTTOM);
      text(px, HEIGHT - BOTTOM + 16, "middle", "tick", x.label(t));
    }
    for (double t : y.ticks()) {
      double py = yPixel(t);
      line(LEFT, py, WIDTH - RIGHT, py);
      text(LEFT - 6, py + 4, "end", "tick", y.label(t));
    }
    text(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 8, "middle", "axis-label", xLabel);
    svg.append(String.format(Locale.ROOT, "<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(14 %.1f) rotate(-90)\">%s</text>%n",
        TOP + (HEIGHT - TOP - BOTTOM) / 2.0, Html.escape(yLabel)));
  }

  private void series(Series s) {
    String colour = Html.escape(s.colour());
    String name = Html.escape(s.name());
    if (s.points().size() > 1) {
      StringBuilder coords = new StringBuilder();
      for (Point p : s.points()) coords.append(String.format(Locale.ROOT, "%.1f,%.1f ", xPixel(p.x()), yPixel(p.y())));
      svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-series=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
          name, colour, coords.toString().trim()));
    }
    if (s.points().size() > MARKED_POINTS_MAX) return;
    for (Point p : s.points()) {
      svg.append(String.format(Locale.ROOT, "<circle class=\"marker\" data-series=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>%n",
          name, xPixel(p.x()), yPixel(p.y()), colour));
    }
  }

  private double xPixel(double v) {
    return LEFT + x.fraction(v) * (WIDTH - LEFT - RIGHT);
  }

  private double yPixel(double v) {
    return HEIGHT - BOTTOM - y.fraction(v) * (HEIGHT - TOP - BOTTOM);
  }

  private void line(double x1, double y1, double x2, double y2) {
    svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>%n", x1, y1, x2, y2));
  }

  private void text(double px, double py, String anchor, String cssClass, String content) {
    svg.append(String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n",
        cssClass, px, py, anchor, Html.escape(content)));
  }

  /** A linear axis from {@code min} to {@code max}, both multiples of {@code step} (1, 2 or 5 times a power of ten). */
  private record Axis(double min, double max, double step) {
    static Axis over(List<Point> points, ToDoubleFunction<Point> value, boolean wholeNumbers) {
      double lo = points.stream().mapToDouble(value).min().orElseThrow();
      double hi = points.stream().mapToDouble(value).max().orElseThrow();
      if (hi - lo < 1e-12) { // one value: give it room so the point sits inside the chart
        double pad = wholeNumbers ? 1 : Math.max(Math.abs(lo) * 0.05, 0.01);
        lo -= pad;
        hi += pad;
      }
      double step = niceStep((hi - lo) / TICKS);
      if (wholeNumbers) step = Math.max(1, step);
      return new Axis(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
    }

    private static double niceStep(double rough) {
      double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
      double f = rough / magnitude;
      return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }

    double fraction(double v) {
      return (v - min) / (max - min);
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      for (long i = 0; min + i * step <= max + step * 1e-9; i++) ticks.add(min + i * step);
      return ticks;
    }

    String label(double v) {
      int decimals = (int) Math.max(0, -Math.floor(Math.log10(step)));
      return String.format(Locale.ROOT, "%." + decimals + "f", v + 0.0); // + 0.0: no "-0"
    }
  }
}
