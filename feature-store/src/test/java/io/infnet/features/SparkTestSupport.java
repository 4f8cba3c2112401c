package io.infnet.features;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;

/** One local[2] Spark session for the whole test JVM, and small configs rooted in fresh temp lakes. */
public final class SparkTestSupport {
  private SparkTestSupport() {}

  public static synchronized SparkSession spark() {
    return SparkSessions.getOrCreate(InfnetConfig.defaults().with("spark.master=local[2]", "spark.shuffle_partitions=2"), "feature-store-tests");
  }

  /** Defaults with a fresh lake root, small shuffle, and {@code overrides}. */
  public static InfnetConfig config(String... overrides) {
    try {
      Path root = Files.createTempDirectory("infnet-lake-");
      return InfnetConfig.defaults()
          .with("lake.root=" + root, "spark.master=local[2]", "spark.shuffle_partitions=2")
          .with(overrides);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shared, read-only data directory (../shared), as set by surefire. */
  public static Path sharedDir() {
    return Paths.get(System.getProperty("infnet.shared.dir", "../shared"));
  }
}
