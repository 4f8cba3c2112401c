package io.infnet.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line every job shares: {@code <job> [--config FILE] [--set key=value ...] [--help]} plus job flags. */
public record JobArgs(String job, Path configFile, List<String> sets, List<String> flags, boolean help) {
  public JobArgs {
    sets = List.copyOf(sets);
    flags = List.copyOf(flags);
  }

  /** Parses the arguments after the job name; a malformed line is a {@link UsageException}. */
  public static JobArgs parse(String job, List<String> rest) {
    Path config = null;
    List<String> sets = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    boolean help = false;
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--config" -> config = Path.of(value(rest, ++i, a));
        case "--set" -> sets.add(value(rest, ++i, a));
        default -> {
          if (a.startsWith("--config=")) config = Path.of(a.substring("--config=".length()));
          else if (a.startsWith("--set=")) sets.add(a.substring("--set=".length()));
          else if (a.startsWith("--")) flags.add(a);
          else throw new UsageException("unexpected argument '" + a + "' (options are --config FILE, --set key=value, --help)");
        }
      }
    }
    return new JobArgs(job, config, sets, flags, help);
  }

  public boolean hasFlag(String flag) {
    return flags.contains(flag);
  }

  /** The value of a {@code --name=value} flag, or null when absent. */
  public String flagValue(String name) {
    for (String f : flags) if (f.startsWith(name + "=")) return f.substring(name.length() + 1);
    return null;
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) throw new UsageException(option + " needs a value");
    return args.get(i);
  }
}
