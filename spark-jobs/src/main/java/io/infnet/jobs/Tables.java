package io.infnet.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Plain-text tables for the console: what a user reads at the end of a job. */
public final class Tables {
  private Tables() {}

  public static String render(Dataset<Row> rows, int maxRows) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(List.of(rows.columns()));
    List<Row> collected = rows.limit(maxRows + 1).collectAsList();
    for (int i = 0; i < Math.min(maxRows, collected.size()); i++) {
      Row r = collected.get(i);
      List<String> line = new ArrayList<>();
      for (int c = 0; c < r.size(); c++) line.add(format(r.get(c)));
      cells.add(line);
    }
    String table = render(cells);
    return collected.size() > maxRows ? table + "(first " + maxRows + " rows)\n" : table;
  }

  /** First row is the header; numbers are right-aligned. */
  public static String render(List<List<String>> cells) {
    int cols = cells.get(0).size();
    int[] width = new int[cols];
    for (List<String> row : cells) for (int c = 0; c < cols; c++) width[c] = Math.max(width[c], row.get(c).length());
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < cells.size(); r++) {
      List<String> row = cells.get(r);
      for (int c = 0; c < cols; c++) {
        String v = row.get(c);
        boolean numeric = r > 0 && v.matches("[-+]?[0-9][0-9,.]*%?|NaN");
        String pad = " ".repeat(width[c] - v.length());
        sb.append(c == 0 ? "" : "  ").append(numeric ? pad + v : v + (c == cols - 1 ? "" : pad));
      }
      sb.append('\n');
      if (r == 0) {
        for (int c = 0; c < cols; c++) sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** 75 s -> "1m15s", 4000 s -> "1h06m". */
  public static String duration(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
  }

  public static String format(Object v) {
    if (v == null) return "";
    if (v instanceof Double d) return Double.isNaN(d) ? "NaN" : String.format("%.4f", d);
    if (v instanceof Float f) return String.format("%.4f", f);
    if (v instanceof Long || v instanceof Integer) return String.format("%,d", ((Number) v).longValue());
    return v.toString();
  }
}
