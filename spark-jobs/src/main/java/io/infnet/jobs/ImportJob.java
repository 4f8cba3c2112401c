package io.infnet.jobs;

import io.infnet.features.raw.InvalidInput;
import io.infnet.features.raw.RawImport;
import io.infnet.features.raw.RawMapping;
import io.infnet.features.raw.RawMappings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;

/**
 * Loads user-supplied raw tables into the lake's raw Delta tables: KuaiRand-format log/users/videos (CSV,
 * Parquet or Delta), or one file of another layout through its declared mapping ({@code --format=insteval --path=}).
 */
final class ImportJob implements Job {
  private static final List<String> INPUTS = List.of("--log", "--users", "--videos");
  private static final String FORMAT = "--format", PATH = "--path", ALLOW_EMPTY = "--allow-empty", KUAIRAND = "kuairand";

  @Override
  public String name() {
    return "import";
  }

  @Override
  public String summary() {
    return "load your own raw tables (--log=, --users=, --videos=: KuaiRand-format CSV, Parquet or Delta; all checked, then all "
        + "replaced or none; --allow-empty accepts an input without rows) into the lake, or another data set through its declared mapping (--format=" + String.join("|", RawMappings.names()) + " --path=FILE)";
  }

  @Override
  public List<String> flags() {
    List<String> flags = new ArrayList<>(INPUTS);
    flags.addAll(List.of(ALLOW_EMPTY, FORMAT, PATH));
    return flags;
  }

  @Override
  public void run(JobContext context) throws IOException {
    String format = context.args().flagValue(FORMAT);
    RawImport.Imported r = format == null || format.equals(KUAIRAND) ? importKuaiRand(context) : importMapped(context, format);
    context.out().printf("import: %,d impressions -> %s%n", r.logRows(), context.lake().rawLog());
    context.out().printf("import: %,d users -> %s%n", r.userRows(), context.lake().rawUsers());
    context.out().printf("import: %,d videos -> %s%n", r.videoRows(), context.lake().rawVideos());
  }

  private static RawImport.Imported importKuaiRand(JobContext context) throws IOException {
    String[] paths = new String[INPUTS.size()];
    for (int i = 0; i < paths.length; i++) {
      paths[i] = context.args().flagValue(INPUTS.get(i));
      if (paths[i] == null) throw new UsageException("import needs " + INPUTS.get(i) + "=PATH (all of " + String.join(", ", INPUTS) + ")");
    }
    for (int i = 0; i < paths.length; i++) requireExists(context, INPUTS.get(i), paths[i]); // all checked before anything is written
    try {
      return RawImport.run(context.spark(), context.config(), paths[0], paths[1], paths[2], context.args().hasFlag(ALLOW_EMPTY));
    } catch (InvalidInput e) {
      throw new JobFailure("import: " + e.getMessage());
    }
  }

  private static RawImport.Imported importMapped(JobContext context, String format) throws IOException {
    RawMapping mapping;
    try {
      mapping = RawMappings.byName(format);
    } catch (IllegalArgumentException e) {
      throw new UsageException(FORMAT + ": " + e.getMessage() + ", or " + KUAIRAND);
    }
    String path = context.args().flagValue(PATH);
    if (path == null) throw new UsageException("import " + FORMAT + "=" + format + " needs " + PATH + "=FILE");
    requireExists(context, PATH, path);
    return RawImport.runMapped(context.spark(), context.config(), mapping, path);
  }

  /** Fails naming the job, the flag and the path when an input given on the command line is not there. */
  static void requireExists(JobContext context, String flag, String path) throws IOException {
    Path p = new Path(path);
    if (!p.getFileSystem(context.spark().sparkContext().hadoopConfiguration()).exists(p)) {
      throw new JobFailure(context.args().job() + ": " + flag + " " + path + " does not exist");
    }
  }
}
