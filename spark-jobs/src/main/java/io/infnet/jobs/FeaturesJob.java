package io.infnet.jobs;

import io.infnet.features.FeatureBuildResult;
import io.infnet.features.FeatureBuilder;
import java.util.Map;

/** Builds the versioned Delta feature table (vocabularies, buckets, point-in-time sequences, labels, splits). */
final class FeaturesJob implements Job {
  @Override
  public String name() {
    return "features";
  }

  @Override
  public String summary() {
    return "build the Delta feature table from the raw tables: vocabularies, buckets, point-in-time sequences, labels, splits";
  }

  @Override
  public void run(JobContext context) {
    FeatureBuildResult r = build(context);
    context.out().println("features: data-quality report");
    context.out().println(Tables.render(r.qualityReport(), 200));
    for (Map.Entry<String, Long> e : r.rowsPerSplit().entrySet()) {
      context.out().printf("features: %-5s %,d rows%n", e.getKey(), e.getValue());
    }
    context.out().printf("features: %s (Delta version %d), %d fields, %d sequences%n", r.tablePath(), r.tableVersion(),
        r.schema().fields().size(), r.schema().sequences().size());
  }

  static FeatureBuildResult build(JobContext context) {
    return FeatureBuilder.run(context.spark(), context.config());
  }
}
