package io.infnet.jobs;

import io.infnet.features.FeatureBuildResult;
import io.infnet.features.FeatureBuilder;
import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import java.util.List;
import java.util.Map;

/** Builds the versioned Delta feature table (vocabularies, buckets, point-in-time sequences, labels, splits). */
final class FeaturesJob implements Job {
  private static final String DATE = "--date";

  @Override
  public String name() {
    return "features";
  }

  @Override
  public String summary() {
    return "build the Delta feature table from the raw tables: vocabularies, buckets, point-in-time sequences, labels, splits "
        + "(--date=D, or features.from_date/to_date: only those days, from the sequence state of the day before)";
  }

  @Override
  public List<String> flags() {
    return List.of(DATE);
  }

  @Override
  public void run(JobContext context) {
    FeatureBuildResult r = build(context);
    context.out().printf("features: built %s..%s%n", r.from(), r.to());
    for (String note : r.notes()) context.out().println("features: range widened " + note);
    context.out().println("features: data-quality report");
    context.out().println(Tables.render(r.qualityReport(), 200));
    for (Map.Entry<String, Long> e : r.rowsPerSplit().entrySet()) {
      context.out().printf("features: %-5s %,d rows%n", e.getKey(), e.getValue());
    }
    context.out().printf("features: %s (Delta version %d), %d fields, %d sequences%n", r.tablePath(), r.tableVersion(),
        r.schema().fields().size(), r.schema().sequences().size());
  }

  /** {@code --date=D} builds that one day: features.from_date = features.to_date = D. */
  static FeatureBuildResult build(JobContext context) {
    String day = context.args().flagValue(DATE);
    InfnetConfig config = day == null ? context.config()
        : context.config().with(Keys.FEATURES_FROM_DATE.name() + "=" + day, Keys.FEATURES_TO_DATE.name() + "=" + day);
    return FeatureBuilder.run(context.spark(), config);
  }
}
