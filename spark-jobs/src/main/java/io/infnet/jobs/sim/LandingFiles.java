package io.infnet.jobs.sim;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.to_date;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.features.datagen.DataGenerator;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The deliveries of a simulated platform, in the landing layout the DAGs read (airflow/dags/infnet_commands.py):
 * {@code <landing>/<day>/log.parquet} (the day's impressions) and {@code <landing>/<day>/candidates.parquet} (that day's
 * requests: the same impressions without their outcome columns), plus {@code <landing>/bootstrap/} with the history
 * and the users and videos for the first load. Everything is drawn once by the project's {@link DataGenerator} into a
 * staging lake, so the days are consecutive pieces of one generated world.
 */
public final class LandingFiles {
  public static final String BOOTSTRAP = "bootstrap";
  private static final String DAY = "landing_day";
  private final Path landing;

  public LandingFiles(Path landing) {
    this.landing = landing;
  }

  public Path root() {
    return landing;
  }

  /** {@code <landing>/<day>/<name>.parquet}. */
  public Path file(String day, String name) {
    return landing.resolve(day).resolve(name + ".parquet");
  }

  /**
   * Generates {@code historyDays + days + 1} days from {@code config}'s datagen keys (lake.root = the staging lake) and
   * writes the bootstrap (the first historyDays days, users, videos), then per later day its log, and its candidates
   * for every day after the first one the nightly loop takes in.
   */
  public void generate(SparkSession spark, InfnetConfig config, int historyDays, int days) {
    LocalDate start = LocalDate.parse(config.get(Keys.DATAGEN_START_DATE));
    DataGenerator.run(spark, config.with(Keys.DATAGEN_DAYS.name() + "=" + (historyDays + days + 1)));
    LakePaths staging = LakePaths.of(config);
    Dataset<Row> log = Delta.read(spark, staging.rawLog()).withColumn(DAY, date_format(to_date(col("date").cast("string"), "yyyyMMdd"), "yyyy-MM-dd"));
    String firstDay = start.plusDays(historyDays).toString();
    Column history = col(DAY).lt(firstDay);
    Delta.read(spark, staging.rawUsers()).write().parquet(file(BOOTSTRAP, "users").toString());
    Delta.read(spark, staging.rawVideos()).write().parquet(file(BOOTSTRAP, "videos").toString());
    log.where(history).drop(DAY).write().parquet(file(BOOTSTRAP, "log").toString());
    writeByDay(log.where(col(DAY).geq(firstDay).and(col(DAY).lt(start.plusDays(historyDays + days).toString()))), "log");
    writeByDay(log.where(col(DAY).gt(firstDay)).select(candidateColumns()), "candidates");
  }

  /** A day's log held back (not delivered yet): moved out of the landing folder. */
  public void withhold(String day) {
    move(file(day, "log"), landing.resolve(".held").resolve(day).resolve("log.parquet"));
  }

  /** A held-back log delivered (late). */
  public void deliver(String day) {
    move(landing.resolve(".held").resolve(day).resolve("log.parquet"), file(day, "log"));
  }

  /** Users delivered with a day's log (an update of the profiles: MERGE by id). */
  public void deliverUsers(String day) {
    copyTree(file(BOOTSTRAP, "users"), file(day, "users"));
  }

  private static Column[] candidateColumns() {
    return Stream.concat(Arrays.stream(RawSchemas.CANDIDATES.fieldNames()), Stream.of(DAY)).map(c -> col(c)).toArray(Column[]::new);
  }

  /** One Spark write partitioned by day, then each partition folder moved to {@code <landing>/<day>/<name>.parquet}. */
  private void writeByDay(Dataset<Row> rows, String name) {
    Path staged = landing.resolve(".staged-" + name);
    rows.withColumn("copy_of_day", col(DAY)).drop(DAY).write().partitionBy("copy_of_day").parquet(staged.toString());
    try (Stream<Path> parts = Files.list(staged)) {
      for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("copy_of_day=")).toList()) {
        move(part, file(part.getFileName().toString().substring("copy_of_day=".length()), name));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.createDirectories(to.getParent());
      Files.move(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + from + " to " + to, e);
    }
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) Files.createDirectories(target);
        else Files.copy(f, target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }
}
