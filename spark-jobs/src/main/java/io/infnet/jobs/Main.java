package io.infnet.jobs;

import io.infnet.config.ConfigException;
import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's main class, run by {@code bin/infnet} through spark-submit:
 * {@code <job> [--config FILE] [--set key=value ...] [--help]}. Exit 0 on success, 2 on a usage or config
 * error, 1 when a job fails; every error is one line naming the problem, the last line on stderr; an unexpected
 * failure's stack trace goes to the log (the run's log file under bin/infnet, whose path the line names).
 */
public final class Main {
  static final Map<String, Job> JOBS = new LinkedHashMap<>();
  /** The run's log file, set by bin/infnet (conf/log4j2.properties writes to it); absent, the failure goes wherever logging goes. */
  static final String LOG_FILE_PROPERTY = "infnet.log.file";
  /** Not under io.infnet, whose lines conf/log4j2.properties shows on the console: a failure's stack trace goes to the log file only. */
  private static final Logger FAILURES = LoggerFactory.getLogger("infnet.failure");

  static {
    for (Job j : List.of(new DatagenJob(), new ImportJob(), new IngestJob(), new FeaturesJob(), new TrainJob(), new EvaluateJob(),
        new ScoreJob(), new QuickstartJob(), new PromoteJob(), new ConfigJob(), new CompareJob(), new EmbeddingScaleJob())) {
      JOBS.put(j.name(), j);
    }
  }

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    // spark-submit keeps the JVM alive for non-daemon threads; a job's exit code must reach the caller.
    System.exit(code);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, JobContext.SessionOwner.JOB);
  }

  /** {@link #run(String[], PrintStream, PrintStream)}, with the job's Spark session stopped by {@code sessionOwner}. */
  public static int run(String[] args, PrintStream out, PrintStream err, JobContext.SessionOwner sessionOwner) {
    try {
      if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
        out.print(usage());
        return args.length == 0 ? 2 : 0;
      }
      Job job = JOBS.get(args[0]);
      if (job == null) throw new UsageException("unknown job '" + args[0] + "' (jobs: " + String.join(", ", JOBS.keySet()) + ")");
      JobArgs parsed = JobArgs.parse(args[0], Arrays.asList(args).subList(1, args.length));
      if (parsed.help()) {
        out.print(help(job));
        return 0;
      }
      checkFlags(job, parsed);
      InfnetConfig config = ConfigLoader.load(parsed.configFile(), parsed.sets());
      try (JobContext context = new JobContext(job, parsed, config, out, sessionOwner)) {
        job.run(context);
      }
      return 0;
    } catch (UsageException | ConfigException e) {
      return fail(err, e.getMessage(), 2);
    } catch (JobFailure e) {
      return fail(err, e.getMessage(), 1);
    } catch (Exception e) {
      // The stack trace is for whoever debugs the job: the log file (docs/RELIABILITY.md, "One readable error").
      FAILURES.error("job failed: {}", String.join(" ", args), e);
      String log = System.getProperty(LOG_FILE_PROPERTY);
      return fail(err, firstLine(describe(e)) + (log == null ? "" : " (stack trace in " + log + ")"), 1);
    }
  }

  /**
   * The one error line a failed run ends with: multi-line messages (Spark's carry SQL context and plans) are cut to
   * their first line, so the terminal never shows more than it.
   */
  private static int fail(PrintStream err, String message, int code) {
    err.println("infnet: error: " + firstLine(message));
    return code;
  }

  private static String firstLine(String message) {
    String text = message == null ? "unknown error" : message.strip();
    return text.lines().findFirst().orElse(text);
  }

  private static void checkFlags(Job job, JobArgs args) {
    for (String flag : args.flags()) {
      String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
      if (!job.flags().contains(name)) {
        throw new UsageException("unknown option '" + name + "' for job " + job.name()
            + (job.flags().isEmpty() ? "" : " (its options: " + String.join(", ", job.flags()) + ")"));
      }
    }
  }

  /** The innermost message is usually the one that names the file, table or column. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return root == e ? msg : e.getClass().getSimpleName() + ": " + msg;
  }

  static String usage() {
    String jobs = JOBS.values().stream().map(j -> String.format("  %-11s %s%n", j.name(), j.summary())).collect(Collectors.joining());
    return "usage: bin/infnet <job> [--config FILE] [--set key=value ...] [--help]\n\njobs:\n" + jobs
        + "\nConfig: conf/infnet.yaml documents every key and its default; --set overrides any of them.\n";
  }

  static String help(Job job) {
    StringBuilder sb = new StringBuilder();
    sb.append("usage: bin/infnet ").append(job.name()).append(" [--config FILE] [--set key=value ...]");
    for (String f : job.flags()) sb.append(" [").append(f).append(']');
    sb.append("\n\n").append(job.summary()).append("\n\n");
    sb.append("  --config FILE     YAML config (defaults and docs: conf/infnet.yaml)\n");
    sb.append("  --set key=value   override one key, e.g. --set train.epochs=3 (repeatable)\n");
    return sb.toString();
  }
}
