package io.infnet.jobs;

import io.infnet.jobs.compare.ComparisonRun;
import io.infnet.model.compare.Variant;
import io.infnet.jobs.data.FeatureSnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Trains model variants × seeds on one feature snapshot and compares them on its test split (docs/ACCURACY.md). */
final class CompareJob implements Job {
  @Override
  public String name() {
    return "compare";
  }

  @Override
  public String summary() {
    return "train model variants (--variants=FILE: name key=value ... per line) with --seeds=7,8,9 on one snapshot; "
        + "test AUC/gAUC/logloss mean ± std next to the oracle, into --out=DIR (--export=DIR: write the splits instead)";
  }

  @Override
  public List<String> flags() {
    return List.of("--variants", "--seeds", "--out", "--title", "--export");
  }

  @Override
  public void run(JobContext context) throws Exception {
    String export = context.args().flagValue("--export");
    if (export != null) {
      FeatureSnapshot snapshot = FeatureSnapshot.open(context.spark(), context.lake().features(), context.config());
      ComparisonRun.export(snapshot, context.config(), Path.of(export), context.out());
      return;
    }
    String file = context.args().flagValue("--variants");
    if (file == null) throw new UsageException("compare needs --variants=FILE (one line per variant: name key=value ...)");
    List<Variant> variants;
    try {
      variants = Variant.parse(Path.of(file));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    for (Variant v : variants) context.config().with(v.sets().toArray(new String[0])); // every override checked before any training
    String out = context.args().flagValue("--out");
    String title = context.args().flagValue("--title");
    FeatureSnapshot snapshot = FeatureSnapshot.open(context.spark(), context.lake().features(), context.config());
    ComparisonRun.execute(snapshot, context.config(), variants, seeds(context.args().flagValue("--seeds")),
        Path.of(out == null ? "compare-results" : out), title == null ? "Model comparison" : title, context.out());
  }

  private static List<Long> seeds(String list) {
    if (list == null) return List.of(7L);
    List<Long> seeds = new ArrayList<>();
    for (String s : list.split(",")) {
      try {
        seeds.add(Long.parseLong(s.strip()));
      } catch (NumberFormatException e) {
        throw new UsageException("--seeds expects comma-separated integers, got '" + list + "'");
      }
    }
    return seeds;
  }
}
