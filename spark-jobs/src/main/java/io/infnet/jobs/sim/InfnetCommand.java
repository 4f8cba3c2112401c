package io.infnet.jobs.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@code bin/infnet} command line as a DAG renders it, split into words the way bash would for the subset the DAGs
 * use (plain words, single and double quotes, backslash escapes). Anything a plain command does not need — command
 * substitution, pipes, redirections, several commands — is refused, so what is parsed is what bash would run.
 *
 * @param launcher the first word (…/bin/infnet)
 * @param job      the job name
 * @param args     the words after the job, in order
 */
public record InfnetCommand(String launcher, String job, List<String> args) {
  /** spark-submit options the launcher hands to Spark, not to the job (bin/infnet's list); each takes one value. */
  static final Set<String> LAUNCHER_OPTIONS = Set.of("--master", "--driver-memory", "--deploy-mode", "--executor-memory",
      "--executor-cores", "--num-executors", "--total-executor-cores", "--driver-cores", "--conf", "--name", "--queue", "--jars",
      "--files", "--properties-file");

  public InfnetCommand {
    args = List.copyOf(args);
  }

  public static InfnetCommand parse(String line) {
    List<String> words = words(line);
    if (words.size() < 2 || !words.get(0).endsWith("/bin/infnet")) {
      throw new IllegalArgumentException("not a bin/infnet command: " + line);
    }
    return new InfnetCommand(words.get(0), words.get(1), words.subList(2, words.size()));
  }

  /** The arguments {@code io.infnet.jobs.Main} gets from the launcher: the job, then its words without Spark's options. */
  public String[] mainArgs() {
    List<String> out = new ArrayList<>(List.of(job));
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (LAUNCHER_OPTIONS.contains(a)) i++;
      else if (!LAUNCHER_OPTIONS.contains(a.contains("=") ? a.substring(0, a.indexOf('=')) : a)) out.add(a);
    }
    return out.toArray(String[]::new);
  }

  /** The {@code --set} values, in order. */
  public List<String> sets() {
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--set") && i + 1 < args.size()) sets.add(args.get(++i));
      else if (args.get(i).startsWith("--set=")) sets.add(args.get(i).substring("--set=".length()));
    }
    return sets;
  }

  /** The value of {@code --config}, or null. */
  public String configFile() {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--config") && i + 1 < args.size()) return args.get(i + 1);
      if (args.get(i).startsWith("--config=")) return args.get(i).substring("--config=".length());
    }
    return null;
  }

  /** Job flags: the {@code --name[=value]} words that are neither --config/--set nor Spark's options. */
  public List<String> flags() {
    List<String> flags = new ArrayList<>();
    String[] main = mainArgs();
    for (int i = 1; i < main.length; i++) {
      if (main[i].equals("--config") || main[i].equals("--set")) i++;
      else if (!main[i].startsWith("--config=") && !main[i].startsWith("--set=")) flags.add(main[i]);
    }
    return flags;
  }

  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (word != null) words.add(word.toString());
        word = null;
        continue;
      }
      if (word == null) word = new StringBuilder();
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) throw new IllegalArgumentException("unterminated ' in: " + line);
        word.append(line, i + 1, end);
        i = end;
      } else if (c == '"') {
        int end = line.indexOf('"', i + 1);
        if (end < 0) throw new IllegalArgumentException("unterminated \" in: " + line);
        String quoted = line.substring(i + 1, end);
        if (quoted.contains("$") || quoted.contains("`") || quoted.contains("\\")) {
          throw new IllegalArgumentException("not a plain command (expansion inside double quotes): " + line);
        }
        word.append(quoted);
        i = end;
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
      } else if ("$`;|&<>(){}*?[]~#".indexOf(c) >= 0) {
        throw new IllegalArgumentException("not a plain command ('" + c + "' would be interpreted by bash): " + line);
      } else {
        word.append(c);
      }
    }
    if (word != null) words.add(word.toString());
    return words;
  }
}
