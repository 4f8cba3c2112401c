package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.infnet.features.raw.RawSchemas;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The generator's true probabilities beside the labels (docs/FEATURE_TABLES.md): {@code oracle_<task>} for each task
 * whose label rule is a plain log flag of {@code raw/oracle}. Never a feature: the build joins them after the labels
 * are derived and the feature fields checked, so no field or label rule can read them, and the model reads only the
 * columns of its {@link FeatureSchema}.
 */
final class OracleColumns {
  private static final String COUNT = "__oracle_rows", KEY_PREFIX = "__oracle_";

  private OracleColumns() {}

  /**
   * Task → oracle flag, in task order, for the tasks whose label rule is exactly one flag column of the oracle
   * (e.g. {@code is_click}); a rule that computes anything ({@code is_click = 1}, {@code x_y >= 4}) has no oracle.
   */
  static Map<String, String> flagsOfTasks(FeatureSpec spec) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String task : spec.tasks()) {
      String rule = spec.labelExpressions().get(task).trim().replace("`", "").toLowerCase(Locale.ROOT);
      if (RawSchemas.ORACLE_FLAGS.contains(rule)) flags.put(task, rule);
    }
    return flags;
  }

  static List<String> columns(Map<String, String> flagsOfTasks) {
    return flagsOfTasks.keySet().stream().map(FeatureSchema::oracleColumn).toList();
  }

  /**
   * Left join of {@code impressions} with the oracle on the impression key: row count unchanged. Datagen writes one
   * oracle row per impression; a key the oracle holds more than once gets no oracle (null) rather than extra rows.
   */
  static Dataset<Row> attach(Dataset<Row> impressions, Dataset<Row> oracle, Map<String, String> flagsOfTasks) {
    List<Column> keys = new ArrayList<>();
    Column matches = lit(true);
    for (String k : RawSchemas.IMPRESSION_KEY) {
      keys.add(col(k).as(KEY_PREFIX + k));
      matches = matches.and(impressions.col(k).equalTo(col(KEY_PREFIX + k)));
    }
    List<Column> values = new ArrayList<>();
    flagsOfTasks.forEach((task, flag) -> values.add(max(col(flag)).cast("double").as(FeatureSchema.oracleColumn(task))));
    Dataset<Row> onePerKey = oracle.groupBy(keys.toArray(Column[]::new))
        .agg(count(lit(1)).as(COUNT), values.toArray(Column[]::new))
        .where(col(COUNT).equalTo(1))
        .drop(COUNT);
    Dataset<Row> joined = impressions.join(onePerKey, matches, "left");
    for (String k : RawSchemas.IMPRESSION_KEY) joined = joined.drop(KEY_PREFIX + k);
    return joined;
  }
}
