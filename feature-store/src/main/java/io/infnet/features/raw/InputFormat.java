package io.infnet.features.raw;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.SparkSession;

/**
 * What a raw input is, found from its name and first bytes rather than guessed by one reader (a CSV not named .csv
 * used to fail as "not a Parquet file ... magic number"): a CSV file or folder ({@code *.csv}, {@code *.csv.gz}), a
 * Delta table (a folder with {@code _delta_log}) or Parquet (a file starting with {@code PAR1}, or a folder).
 */
enum InputFormat {
  CSV, PARQUET, DELTA;

  static final String ACCEPTED = "accepted: CSV (*.csv or gzip-compressed *.csv.gz, with a header line), Parquet "
      + "(a file or folder) or a Delta table (a folder with _delta_log)";
  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  /** The format of {@code path}; an {@link InvalidInput} naming what was found and what is accepted otherwise. */
  static InputFormat of(SparkSession spark, String path, String table) {
    try {
      Path p = new Path(path);
      FileSystem fs = fileSystem(spark, p);
      if (!fs.exists(p)) throw new InvalidInput(table, path, "does not exist", null);
      if (fs.getFileStatus(p).isDirectory()) return ofFolder(fs, p);
      if (isCsvName(p.getName())) return CSV;
      byte[] head = firstBytes(fs, p, 4);
      if (Arrays.equals(head, PARQUET_MAGIC)) return PARQUET;
      throw new InvalidInput(table, path, "not a format the raw inputs accept" + hint(head) + " (" + ACCEPTED + ")", null);
    } catch (IOException e) {
      throw new InvalidInput(table, path, "cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The CSV's header (of its first file if a folder), a leading UTF-8 byte-order mark and surrounding quotes removed;
   * empty when the file has no line at all (zero bytes).
   */
  static Optional<List<String>> csvHeader(SparkSession spark, String path) throws IOException {
    Path p = new Path(path);
    FileSystem fs = fileSystem(spark, p);
    Optional<Path> file = fs.getFileStatus(p).isDirectory() ? firstCsvFile(fs, p) : Optional.of(p);
    if (file.isEmpty()) return Optional.empty();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(open(fs, file.get()), StandardCharsets.UTF_8))) {
      String line = reader.readLine(); // readLine drops \n and \r\n alike
      if (line == null) return Optional.empty();
      if (line.startsWith("\uFEFF")) line = line.substring(1);
      return Optional.of(Arrays.stream(line.split(",", -1)).map(InputFormat::unquoted).toList());
    }
  }

  private static InputFormat ofFolder(FileSystem fs, Path folder) throws IOException {
    if (fs.exists(new Path(folder, "_delta_log"))) return DELTA;
    return firstCsvFile(fs, folder).isPresent() ? CSV : PARQUET;
  }

  private static Optional<Path> firstCsvFile(FileSystem fs, Path folder) throws IOException {
    return Arrays.stream(fs.listStatus(folder)).map(FileStatus::getPath).filter(f -> isCsvName(f.getName()))
        .min(Comparator.comparing(Path::getName));
  }

  private static boolean isCsvName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".csv") || lower.endsWith(".csv.gz");
  }

  /** Why the file was not recognised, when its first bytes say what it probably is. */
  private static String hint(byte[] head) {
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) return ": it is gzip-compressed, name it *.csv.gz";
    boolean text = head.length > 0;
    for (byte b : head) text &= (b & 0xff) >= 0x09 && b != 0x7f; // printable ASCII or UTF-8
    return text ? ": it looks like text, name it *.csv if it is CSV" : "";
  }

  private static byte[] firstBytes(FileSystem fs, Path file, int n) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readNBytes(n);
    }
  }

  private static InputStream open(FileSystem fs, Path file) throws IOException {
    CompressionCodec codec = new CompressionCodecFactory(fs.getConf()).getCodec(file);
    InputStream raw = fs.open(file);
    return codec == null ? raw : codec.createInputStream(raw);
  }

  private static String unquoted(String name) {
    String trimmed = name.strip();
    return trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"") ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
  }

  private static FileSystem fileSystem(SparkSession spark, Path p) throws IOException {
    return p.getFileSystem(spark.sparkContext().hadoopConfiguration());
  }
}
