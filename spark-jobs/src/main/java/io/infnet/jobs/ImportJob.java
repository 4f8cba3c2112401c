package io.infnet.jobs;

import io.infnet.features.raw.RawImport;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;

/** Loads user-supplied raw tables (CSV in KuaiRand format, Parquet or Delta) into the lake's raw Delta tables. */
final class ImportJob implements Job {
  private static final List<String> INPUTS = List.of("--log", "--users", "--videos");

  @Override
  public String name() {
    return "import";
  }

  @Override
  public String summary() {
    return "load your own raw tables (--log=, --users=, --videos=: KuaiRand-format CSV, Parquet or Delta) into the lake";
  }

  @Override
  public List<String> flags() {
    return INPUTS;
  }

  @Override
  public void run(JobContext context) throws IOException {
    String[] paths = new String[INPUTS.size()];
    for (int i = 0; i < paths.length; i++) {
      paths[i] = context.args().flagValue(INPUTS.get(i));
      if (paths[i] == null) throw new UsageException("import needs " + INPUTS.get(i) + "=PATH (all of " + String.join(", ", INPUTS) + ")");
    }
    for (int i = 0; i < paths.length; i++) { // every input is checked before anything is written
      Path p = new Path(paths[i]);
      if (!p.getFileSystem(context.spark().sparkContext().hadoopConfiguration()).exists(p)) {
        throw new JobFailure("import: " + INPUTS.get(i) + " " + paths[i] + " does not exist");
      }
    }
    RawImport.Imported r = RawImport.run(context.spark(), context.config(), paths[0], paths[1], paths[2]);
    context.out().printf("import: %,d impressions -> %s%n", r.logRows(), context.lake().rawLog());
    context.out().printf("import: %,d users -> %s%n", r.userRows(), context.lake().rawUsers());
    context.out().printf("import: %,d videos -> %s%n", r.videoRows(), context.lake().rawVideos());
  }
}
