package io.infnet.jobs;

import io.infnet.features.raw.DailyIngest;
import io.infnet.features.raw.InvalidInput;
import java.io.IOException;
import java.util.List;

/**
 * Adds or replaces one day of the raw log and upserts the users and videos delivered with it ({@link DailyIngest}):
 * the daily path, where {@code import} replaces the whole lake. Command-line mistakes stop before Spark starts.
 */
final class IngestJob implements Job {
  private static final String DATE = "--date", LOG = "--log", USERS = "--users", VIDEOS = "--videos", ALLOW_EMPTY = "--allow-empty",
      OPTIONAL_PROFILES = "--optional-profiles";

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String summary() {
    return "add or replace one day of the raw log (--date=yyyy-MM-dd --log=FILE: CSV, Parquet or Delta; a rerun gives the same "
        + "table) and upsert users/videos by id (--users=, --videos=; --optional-profiles: skip those that were not delivered); "
        + "--allow-empty accepts an input without rows";
  }

  @Override
  public List<String> flags() {
    return List.of(DATE, LOG, USERS, VIDEOS, OPTIONAL_PROFILES, ALLOW_EMPTY);
  }

  @Override
  public void run(JobContext context) throws IOException {
    int date = date(context.args());
    DailyIngest.Inputs inputs = new DailyIngest.Inputs(required(context.args(), LOG), profile(context, USERS), profile(context, VIDEOS));
    ImportJob.requireExists(context, LOG, inputs.log());
    if (inputs.users() != null) ImportJob.requireExists(context, USERS, inputs.users());
    if (inputs.videos() != null) ImportJob.requireExists(context, VIDEOS, inputs.videos());
    DailyIngest.Ingested r;
    try {
      r = DailyIngest.run(context.spark(), context.config(), date, inputs, context.args().hasFlag(ALLOW_EMPTY));
    } catch (InvalidInput e) {
      throw new JobFailure("ingest: " + e.getMessage());
    }
    print(context, r, inputs);
  }

  /**
   * The users or videos path, or null when not given, or absent with --optional-profiles: a scheduler names the
   * landing folder's files every night, and profile updates do not come every night.
   */
  private static String profile(JobContext context, String flag) throws IOException {
    String path = context.args().flagValue(flag);
    if (path == null || !context.args().hasFlag(OPTIONAL_PROFILES) || exists(context, path)) return path;
    context.out().printf("ingest: %s %s not delivered (--optional-profiles): kept as they are%n", flag, path);
    return null;
  }

  private static boolean exists(JobContext context, String path) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    return p.getFileSystem(context.spark().sparkContext().hadoopConfiguration()).exists(p);
  }

  private static int date(JobArgs args) {
    String text = required(args, DATE);
    try {
      return DailyIngest.parseDate(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(DATE + ": " + e.getMessage());
    }
  }

  private static String required(JobArgs args, String flag) {
    String value = args.flagValue(flag);
    if (value == null || value.isEmpty()) {
      throw new UsageException("ingest needs " + DATE + "=yyyy-MM-dd and " + LOG + "=PATH (missing " + flag + ")");
    }
    return value;
  }

  private static void print(JobContext context, DailyIngest.Ingested r, DailyIngest.Inputs inputs) {
    context.out().printf("ingest: %s: %,d impressions (replaced %,d) -> %s%n", r.day(), r.logRows(), r.replacedLogRows(),
        context.lake().rawLog());
    if (inputs.users() != null) {
      context.out().printf("ingest: %s: users %,d inserted, %,d updated -> %s%n", r.day(), r.usersInserted(), r.usersUpdated(),
          context.lake().rawUsers());
    }
    if (inputs.videos() != null) {
      context.out().printf("ingest: %s: videos %,d inserted, %,d updated -> %s%n", r.day(), r.videosInserted(), r.videosUpdated(),
          context.lake().rawVideos());
    }
  }
}
