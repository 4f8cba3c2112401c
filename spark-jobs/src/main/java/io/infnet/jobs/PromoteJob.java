package io.infnet.jobs;

import io.infnet.config.Keys;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.jobs.registry.ModelStore;
import java.util.List;

/** Points the registry's production pointer of train.model_name at a version (default: the latest). */
final class PromoteJob implements Job {
  @Override
  public String name() {
    return "promote";
  }

  @Override
  public String summary() {
    return "make a registered version of train.model_name the production model (--version=N, default: latest)";
  }

  @Override
  public List<String> flags() {
    return List.of("--version");
  }

  @Override
  public void run(JobContext context) throws Exception {
    String selector = context.args().flagValue("--version");
    if (selector == null) selector = "latest";
    if (!selector.equals("latest") && !selector.matches("[0-9]+")) {
      throw new UsageException("--version expects a version number, got '" + selector + "'");
    }
    ModelStore registry = new ModelRegistry(context.lake().models(), context.spark().sparkContext().hadoopConfiguration());
    ModelStore.Entry entry = registry.resolve(context.config().get(Keys.TRAIN_MODEL_NAME), selector);
    registry.promote(entry);
    context.out().printf("promote: %s version %d is now production (%s)%n", entry.name(), entry.version(), entry.path());
  }
}
