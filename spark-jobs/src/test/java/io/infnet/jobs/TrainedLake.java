package io.infnet.jobs;

import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.SparkSessions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * A small real lake shared by the test classes of one JVM (built once, ~1 min): generated raw tables for 2022-04-08..13,
 * a full feature build, and two registered versions of model infnet: v1 never learned (one step at the smallest
 * learning rate: its initial random weights), v2 trained. Tests work on {@link #copy()}s of it.
 */
final class TrainedLake {
  static final List<String> TASKS = List.of("click", "long_view");
  private static final String[] SMALL = {"datagen.users=150", "datagen.videos=120", "datagen.days=6",
      "split.train_end=2022-04-11", "split.valid_end=2022-04-12", "features.sequence_max_length=8",
      "tasks.names=click,long_view", "model.dim=8", "model.tower_hidden=16", "train.batch_size=128", "train.epochs=3",
      "train.warmup_steps=0", "train.learning_rate=0.01", "train.checkpoint_every=0",
      "spark.master=local[2]", "spark.shuffle_partitions=2"};
  private static Path built;

  private TrainedLake() {}

  /** What a job printed and returned through {@link Main}. */
  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /** A fresh copy of the built lake (building it first if this JVM has not). */
  static synchronized Path copy() {
    try {
      if (built == null) built = build();
      Path to = Files.createTempDirectory("infnet-trained-lake-copy-");
      try (Stream<Path> paths = Files.walk(built)) {
        for (Path p : (Iterable<Path>) paths::iterator) {
          Path dest = to.resolve(built.relativize(p).toString());
          if (Files.isDirectory(p)) Files.createDirectories(dest);
          else Files.copy(p, dest);
        }
      }
      return to;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build or copy the test lake: " + e.getMessage(), e);
    }
  }

  private static Path build() throws Exception {
    Path lake = Files.createTempDirectory("infnet-trained-lake-");
    inProcess(lake, new DatagenJob());
    inProcess(lake, new FeaturesJob());
    inProcess(lake, new TrainJob(), "train.learning_rate=0.000000001", "train.max_steps=1");
    inProcess(lake, new TrainJob());
    return lake;
  }

  /** Runs a job on {@code lake} in this JVM's Spark session, left open for the next one (faster than {@link #main}). */
  static void inProcess(Path lake, Job job, String... overrides) throws Exception {
    List<String> sets = new ArrayList<>(settings(lake));
    sets.addAll(List.of(overrides));
    job.run(new JobContext(job, JobArgs.parse(job.name(), List.of()), ConfigLoader.load(null, sets), System.out));
  }

  /** Runs {@code bin/infnet <args>} on {@code lake} through {@link Main} (which stops the Spark session it used). */
  static Run main(Path lake, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    for (String s : settings(lake)) all.addAll(List.of("--set", s));
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
    Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.print(run.all()); // in the test's log
    return run;
  }

  static List<String> settings(Path lake) {
    List<String> s = new ArrayList<>(List.of(SMALL));
    s.add("lake.root=" + lake);
    return s;
  }

  static InfnetConfig config(Path lake) {
    return JobContext.withQualifiedLakeRoot(ConfigLoader.load(null, settings(lake)));
  }

  /** This JVM's Spark session, for reading what the jobs wrote. */
  static SparkSession spark() {
    return SparkSessions.getOrCreate(config(Path.of(".")), "trained-lake-test");
  }

  static String production(Path lake) {
    try {
      return Files.readString(lake.resolve("models/infnet/PRODUCTION")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
