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

/**
 * The application's main class, run by {@code bin/infnet} through spark-submit:
 * {@code <job> [--config FILE] [--set key=value ...] [--help]}. Exit 0 on success, 2 on a usage or config
 * error, 1 when a job fails; every error is one line naming the problem.
 */
public final class Main {
  static final Map<String, Job> JOBS = new LinkedHashMap<>();

  static {
    for (Job j : List.of(new DatagenJob(), new ImportJob(), new IngestJob(), new FeaturesJob(), new TrainJob(), new EvaluateJob(),
        new ScoreJob(), new QuickstartJob(), new PromoteJob(), new ConfigJob(), new CompareJob())) {
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
      try (JobContext context = new JobContext(job, parsed, config, out)) {
        job.run(context);
      }
      return 0;
    } catch (UsageException | ConfigException e) {
      err.println("infnet: error: " + e.getMessage());
      return 2;
    } catch (JobFailure e) {
      err.println("infnet: error: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      err.println("infnet: error: " + describe(e));
      e.printStackTrace(err);
      return 1;
    }
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
