package io.infnet.jobs.compare;

import static org.apache.spark.sql.functions.col;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.Split;
import io.infnet.jobs.JobFailure;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.data.RowBatches;
import io.infnet.jobs.report.SvgLineChart;
import io.infnet.model.compare.ModelComparison;
import io.infnet.model.compare.Variant;
import io.infnet.model.data.Example;
import io.infnet.model.data.ExampleSet;
import io.infnet.schema.FeatureSchema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The {@code compare} job: the splits of one pinned snapshot of the feature table loaded into this JVM, then every
 * variant × seed trained and measured on the test split next to the oracle (the generator's true probabilities)
 * when the table has them ({@link ModelComparison}). {@code --export=DIR} writes the splits instead, for
 * {@link io.infnet.model.compare.CompareMain} on a host without Spark.
 */
public final class ComparisonRun {
  private ComparisonRun() {}

  public static void execute(FeatureSnapshot snapshot, InfnetConfig config, List<Variant> variants, List<Long> seeds,
      Path outDir, String title, PrintStream out) throws IOException {
    Splits s = load(snapshot, config, out);
    String header = String.format(Locale.ROOT, "Feature table %s (Delta version %d): %,d train / %,d valid / %,d test rows. "
        + "Config hash %s. Test split; mean ± std over seeds.", snapshot.path(), snapshot.version(), s.train().size(),
        s.valid().size(), s.test().size(), config.hash());
    ModelComparison comparison = new ModelComparison(config, s.schema(), s.train(), s.valid(), s.test(), out);
    out.print(comparison.runAll(variants, seeds, outDir, title, header));
    writePlots(comparison, s.schema().tasks(), outDir);
    out.printf("compare: results in %s%n", outDir.toAbsolutePath());
  }

  /** Writes schema.json, config.json and {train,valid,test}.bin.gz into {@code dir}. */
  public static void export(FeatureSnapshot snapshot, InfnetConfig config, Path dir, PrintStream out) throws IOException {
    Splits s = load(snapshot, config, out);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("schema.json"), s.schema().toJson(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("config.json"), config.toJson(), StandardCharsets.UTF_8);
    for (String split : List.of("train", "valid", "test")) {
      ExampleSet set = split.equals("train") ? s.train() : split.equals("valid") ? s.valid() : s.test();
      try (OutputStream o = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve(split + ".bin.gz"))), 1 << 16) {
        { def.setLevel(Deflater.BEST_COMPRESSION); }
      }) {
        set.write(o);
      }
    }
    out.printf("compare: splits exported to %s%n", dir.toAbsolutePath());
  }

  /** valid_auc_<task>.svg: validation AUC per epoch, one line per variant (mean over its seeds at each epoch). */
  private static void writePlots(ModelComparison c, List<String> tasks, Path dir) throws IOException {
    List<String> variants = c.curves().stream().map(ModelComparison.CurvePoint::variant).distinct().toList();
    for (String task : tasks) {
      List<SvgLineChart.Series> series = new ArrayList<>();
      for (int v = 0; v < variants.size(); v++) {
        String variant = variants.get(v);
        Map<Integer, double[]> byEpoch = new TreeMap<>();
        for (ModelComparison.CurvePoint p : c.curves()) {
          Double auc = p.validAuc().get(task);
          if (!p.variant().equals(variant) || auc == null || auc.isNaN()) continue;
          double[] sum = byEpoch.computeIfAbsent(p.epoch(), e -> new double[2]);
          sum[0] += auc;
          sum[1]++;
        }
        List<SvgLineChart.Point> points = byEpoch.entrySet().stream()
            .map(e -> new SvgLineChart.Point(e.getKey(), e.getValue()[0] / e.getValue()[1])).toList();
        series.add(new SvgLineChart.Series(variant, SvgLineChart.COLOURS[v % SvgLineChart.COLOURS.length], points));
      }
      String svg = SvgLineChart.standalone("valid-auc-" + task, "Validation AUC: " + task + " (mean over seeds)", "epoch", "AUC", series);
      Files.writeString(dir.resolve("valid_auc_" + task + ".svg"), svg, StandardCharsets.UTF_8);
    }
  }

  private record Splits(FeatureSchema schema, ExampleSet train, ExampleSet valid, ExampleSet test) {}

  private static Splits load(FeatureSnapshot snapshot, InfnetConfig config, PrintStream out) {
    FeatureSchema schema = snapshot.schemaFor(config.get(Keys.TASKS));
    RowBatches rows = new RowBatches(schema, true);
    List<String> oracleColumns = oracleColumns(snapshot, schema);
    long start = System.nanoTime();
    ExampleSet train = load(snapshot, Split.TRAIN, rows, List.of());
    ExampleSet valid = load(snapshot, Split.VALID, rows, List.of());
    ExampleSet test = load(snapshot, Split.TEST, rows, oracleColumns);
    if (train.size() == 0 || valid.size() == 0 || test.size() == 0) {
      throw new JobFailure("feature table " + snapshot.path() + " has an empty split (train " + train.size() + ", valid "
          + valid.size() + ", test " + test.size() + " rows): compare needs all three");
    }
    out.printf(Locale.ROOT, "compare: %,d train, %,d valid, %,d test rows of %s (Delta version %d) loaded in %.0f s%s%n",
        train.size(), valid.size(), test.size(), snapshot.path(), snapshot.version(), (System.nanoTime() - start) / 1e9,
        oracleColumns.isEmpty() ? "; no oracle columns" : "; oracle probabilities found");
    return new Splits(schema, train, valid, test);
  }

  /**
   * Rows of one split ordered by (date, user_id, time_ms), so that the order does not depend on Spark's
   * partitioning, with each row's user and, when asked, its oracle columns.
   */
  private static ExampleSet load(FeatureSnapshot snapshot, Split split, RowBatches rows, List<String> oracleColumns) {
    List<Column> columns = new ArrayList<>();
    for (String c : rows.columns()) columns.add(col(c));
    columns.add(col("user_id").cast("long"));
    for (String c : oracleColumns) columns.add(col(c).cast("float"));
    List<Row> collected = snapshot.split(split).orderBy("date", "user_id", "time_ms")
        .select(columns.toArray(new Column[0])).collectAsList();
    int userAt = rows.columns().size();
    List<Example> examples = new ArrayList<>(collected.size());
    long[] users = new long[collected.size()];
    float[][] oracle = oracleColumns.isEmpty() ? null : new float[oracleColumns.size()][collected.size()];
    for (int i = 0; i < collected.size(); i++) {
      Row r = collected.get(i);
      examples.add(rows.parse(r));
      users[i] = r.getLong(userAt);
      if (oracle != null) {
        for (int k = 0; k < oracle.length; k++) oracle[k][i] = r.isNullAt(userAt + 1 + k) ? Float.NaN : r.getFloat(userAt + 1 + k);
      }
    }
    return new ExampleSet(rows.schema(), examples, users, oracle);
  }

  /** oracle_<task> columns for every task, or none. */
  private static List<String> oracleColumns(FeatureSnapshot snapshot, FeatureSchema schema) {
    List<String> present = Arrays.asList(snapshot.table().columns());
    List<String> wanted = schema.tasks().stream().map(FeatureSchema::oracleColumn).toList();
    return present.containsAll(wanted) ? wanted : List.of();
  }
}
