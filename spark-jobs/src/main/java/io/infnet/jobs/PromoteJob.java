package io.infnet.jobs;

import io.infnet.config.Keys;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.promote.PromotionGate;
import io.infnet.jobs.promote.PromotionGate.Decision;
import io.infnet.jobs.promote.PromotionGate.TaskComparison;
import io.infnet.jobs.promote.PromotionLog;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.jobs.registry.ModelStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Points the registry's production pointer of train.model_name at a version (default: the latest). With
 * {@code --gate} only if {@link PromotionGate} lets it through; every decision goes to the promotions table first.
 */
final class PromoteJob implements Job {
  @Override
  public String name() {
    return "promote";
  }

  @Override
  public String summary() {
    return "make a registered version of train.model_name the production model (--version=N, default: latest; "
        + "--gate: only if no task's AUC on promote.split drops by more than promote.max_auc_drop)";
  }

  @Override
  public List<String> flags() {
    return List.of("--version", "--gate");
  }

  @Override
  public void run(JobContext context) throws Exception {
    String selector = context.args().flagValue("--version");
    if (selector == null) selector = "latest";
    if (!selector.equals("latest") && !selector.matches("[0-9]+")) {
      throw new UsageException("--version expects a version number, got '" + selector + "'");
    }
    ModelStore registry = new ModelRegistry(context.lake().models(), context.spark().sparkContext().hadoopConfiguration());
    String name = context.config().get(Keys.TRAIN_MODEL_NAME);
    ModelStore.Entry candidate = registry.resolve(name, selector);
    Optional<ModelStore.Entry> production = registry.production(name);
    Decision decision = context.args().hasFlag("--gate") ? gate(context, registry, candidate, production)
        : Decision.forced(candidate, production);
    PromotionLog.append(context.spark(), context.lake().promotions(), decision, System.getProperty("user.name"), Instant.now());
    if (!decision.promoted()) {
      throw new JobFailure("promote --gate: " + name + " v" + candidate.version() + " not promoted, production stays "
          + production.map(p -> "v" + p.version()).orElse("unset") + ": " + decision.reason());
    }
    registry.promote(candidate);
    context.out().printf("promote: %s version %d is now production (%s): %s%n", candidate.name(), candidate.version(),
        candidate.path(), decision.reason());
  }

  private static Decision gate(JobContext context, ModelStore registry, ModelStore.Entry candidate,
      Optional<ModelStore.Entry> production) throws Exception {
    FeatureSnapshot snapshot = FeatureSnapshot.open(context.spark(), context.lake().features(), context.config());
    context.out().printf("promote --gate: %s v%d against production %s on the %s split of %s (Delta version %d)%n",
        candidate.name(), candidate.version(), production.map(p -> "v" + p.version()).orElse("(none)"),
        context.config().get(Keys.PROMOTE_SPLIT), snapshot.path(), snapshot.version());
    Decision decision = new PromotionGate(context.spark(), context.config(), registry).decide(candidate, production, snapshot);
    decision.comparison().filter(c -> !c.tasks().isEmpty()).ifPresent(c -> context.out().print(aucTable(c.tasks())));
    return decision;
  }

  /** Per task: production's AUC, the candidate's and the change (negative: the candidate is worse). */
  static String aucTable(List<TaskComparison> tasks) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(List.of("task", "production AUC", "candidate AUC", "change"));
    for (TaskComparison t : tasks) {
      double change = -t.drop();
      cells.add(List.of(t.task(), auc(t.productionAuc()), auc(t.candidateAuc()),
          Double.isNaN(change) ? "" : String.format(Locale.ROOT, "%+.4f", change)));
    }
    return Tables.render(cells);
  }

  private static String auc(double v) {
    return Double.isNaN(v) ? "" : Tables.format(v);
  }
}
