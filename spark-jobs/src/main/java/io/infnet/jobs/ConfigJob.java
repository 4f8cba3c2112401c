package io.infnet.jobs;

import io.infnet.config.ConfigLoader;
import java.util.List;

/** Prints the effective config (validated) as JSON, or with --defaults the documented defaults as YAML. */
final class ConfigJob implements Job {
  @Override
  public String name() {
    return "config";
  }

  @Override
  public String summary() {
    return "print the effective config as JSON (--defaults: every key with its default and doc, as YAML)";
  }

  @Override
  public List<String> flags() {
    return List.of("--defaults");
  }

  @Override
  public void run(JobContext context) {
    if (context.args().hasFlag("--defaults")) {
      context.out().print(ConfigLoader.renderDefaultsYaml());
    } else {
      context.out().println(context.config().toJson());
      context.out().println("config hash: " + context.config().hash());
    }
  }
}
