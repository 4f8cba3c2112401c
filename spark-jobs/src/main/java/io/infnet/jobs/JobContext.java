package io.infnet.jobs;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.features.spark.SparkSessions;
import io.infnet.lake.LakePaths;
import java.io.IOException;
import java.io.PrintStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** What a running job gets: its validated config, the lake, a Spark session (created on first use) and stdout. */
public final class JobContext implements AutoCloseable {
  /**
   * Who stops the job's session. {@code JOB}: the job, when it ends (the CLI: one job per process). {@code CALLER}: the
   * session stays up for the next job run in the same JVM, which gets it back from {@link SparkSessions#getOrCreate}
   * (the simulation's and the tests' chains of jobs): no session start per job, and Delta's cached table states
   * carry over from one job to the next; the caller stops it when done.
   */
  public enum SessionOwner { JOB, CALLER }

  private final Job job;
  private final JobArgs args;
  private final InfnetConfig config;
  private final PrintStream out;
  private final SessionOwner sessionOwner;
  private SparkSession spark;

  JobContext(Job job, JobArgs args, InfnetConfig config, PrintStream out) {
    this(job, args, config, out, SessionOwner.JOB);
  }

  JobContext(Job job, JobArgs args, InfnetConfig config, PrintStream out, SessionOwner sessionOwner) {
    this.job = job;
    this.args = args;
    this.config = withQualifiedLakeRoot(config);
    this.out = out;
    this.sessionOwner = sessionOwner;
  }

  /**
   * "./lake" becomes "file:/…/lake" (or the default file system's path on a cluster): Delta's path-based SQL needs
   * absolute paths, and the recorded config then says where the lake really was.
   */
  static InfnetConfig withQualifiedLakeRoot(InfnetConfig config) {
    String root = config.get(Keys.LAKE_ROOT);
    try {
      Path path = new Path(root);
      String qualified = path.getFileSystem(new org.apache.hadoop.conf.Configuration()).makeQualified(path).toString();
      return qualified.equals(root) ? config : config.with(Keys.LAKE_ROOT.name() + "=" + qualified);
    } catch (IOException | IllegalArgumentException e) {
      throw new JobFailure("lake.root '" + root + "' is not a usable path: " + e.getMessage());
    }
  }

  public InfnetConfig config() {
    return config;
  }

  public JobArgs args() {
    return args;
  }

  public LakePaths lake() {
    return LakePaths.of(config);
  }

  public PrintStream out() {
    return out;
  }

  /** The session, created on first use; the lake root is checked writable before any job touches it. */
  public SparkSession spark() {
    if (spark == null) {
      spark = SparkSessions.getOrCreate(config, "infnet-" + job.name());
      checkLakeWritable(spark, lake().root());
    }
    return spark;
  }

  private static void checkLakeWritable(SparkSession spark, String root) {
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(rootPath) && !fs.getFileStatus(rootPath).isDirectory()) {
        throw new JobFailure("lake.root '" + root + "' is a file, expected a directory");
      }
      if (!fs.mkdirs(rootPath)) throw new IOException("cannot create the directory");
      Path probe = new Path(rootPath, ".infnet-write-probe-" + ProcessHandle.current().pid());
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      if (e instanceof JobFailure f) throw f;
      throw new JobFailure("lake.root '" + root + "' is not writable: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (spark != null && sessionOwner == SessionOwner.JOB) spark.stop();
  }
}
