package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;

/**
 * Derives {@code label_<task>} from the Spark SQL expressions of tasks.labels. A label must be 0, 1 or null:
 * a rule that yields anything else is a configuration error and stops the build (the raw 0/1 flags were
 * already checked row by row, so a bad value here comes from the rule, not from the data).
 */
final class Labels {
  private Labels() {}

  static Dataset<Row> derive(Dataset<Row> rows, Map<String, String> expressions) {
    Dataset<Row> out = rows;
    for (Map.Entry<String, String> e : expressions.entrySet()) {
      String column = FeatureSchema.labelColumn(e.getKey());
      Column value;
      try {
        value = expr(e.getValue());
        out = out.withColumn(column, value);
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException("task '" + e.getKey() + "': label rule '" + e.getValue() + "' is not a valid "
            + "Spark SQL expression over the log, user and video columns: " + ex.getMessage(), ex);
      }
      DataType type = out.schema().apply(column).dataType();
      if (type instanceof BooleanType) {
        out = out.withColumn(column, col(column).cast("int"));
      } else if (!(type instanceof NumericType)) {
        throw new IllegalArgumentException("task '" + e.getKey() + "': label rule '" + e.getValue() + "' gives "
            + type.simpleString() + ", expected a 0/1 number or a boolean");
      }
    }
    return out;
  }

  /** Aggregates finding label values outside {0, 1, null}: per task, their count and the smallest one. */
  static List<Column> violationChecks(Map<String, String> expressions) {
    List<Column> checks = new ArrayList<>();
    for (String task : expressions.keySet()) {
      Column label = col(FeatureSchema.labelColumn(task)).cast("double");
      Column bad = label.isNotNull().and(not(label.isin(0.0, 1.0)));
      checks.add(sum(when(bad, 1L).otherwise(0L)));
      checks.add(min(when(bad, label)));
    }
    return checks;
  }

  /**
   * Fails naming the task, its rule and an offending value if the {@link #violationChecks} found any.
   *
   * @param groups rows of an aggregation holding the checks from column {@code offset} on
   */
  static void requireBinary(List<Row> groups, int offset, Map<String, String> expressions) {
    int i = offset;
    for (Map.Entry<String, String> e : expressions.entrySet()) {
      long bad = 0;
      Object example = null;
      for (Row r : groups) {
        bad += r.isNullAt(i) ? 0 : r.getLong(i);
        if (example == null && !r.isNullAt(i + 1)) example = r.get(i + 1);
      }
      if (bad > 0) {
        throw new IllegalArgumentException("task '" + e.getKey() + "': label rule '" + e.getValue() + "' gave " + bad
            + " values outside {0, 1, null} (e.g. " + example + ")");
      }
      i += 2;
    }
  }

  /** Casts the (checked) labels to int. */
  static Dataset<Row> asInt(Dataset<Row> rows, Iterable<String> tasks) {
    Dataset<Row> out = rows;
    for (String t : tasks) out = out.withColumn(FeatureSchema.labelColumn(t), col(FeatureSchema.labelColumn(t)).cast("int"));
    return out;
  }
}
