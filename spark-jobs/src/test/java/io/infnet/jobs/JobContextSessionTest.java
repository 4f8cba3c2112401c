package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import io.infnet.jobs.JobContext.SessionOwner;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-process job chains share one Spark session; a job run on its own (the CLI) stops the session it started. */
class JobContextSessionTest {
  @TempDir Path dir;

  @Test
  void aCallerOwnedSessionOutlivesItsJobsAndIsReusedByTheNextOneUntilAJobOwnsIt() {
    InfnetConfig config = ConfigLoader.load(null, List.of("lake.root=" + dir.resolve("lake"), "spark.master=local[1]"));
    Job job = Main.JOBS.get("features");
    SparkSession first;
    try (JobContext context = new JobContext(job, JobArgs.parse(job.name(), List.of()), config, System.out, SessionOwner.CALLER)) {
      first = context.spark();
    }
    assertFalse(first.sparkContext().isStopped(), "a session the caller owns stays up after the job");
    try (JobContext context = new JobContext(job, JobArgs.parse(job.name(), List.of()), config, System.out, SessionOwner.JOB)) {
      assertSame(first, context.spark(), "the next job in the JVM gets the same session, no new start");
    }
    assertTrue(first.sparkContext().isStopped(), "a job that owns its session stops it");
  }
}
