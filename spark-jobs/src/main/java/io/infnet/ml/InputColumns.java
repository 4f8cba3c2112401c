package io.infnet.ml;

import io.infnet.jobs.data.RowBatches;
import io.infnet.schema.FeatureSchema;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The feature-table columns a model reads (docs/FEATURE_TABLES.md) and their types, checked on a DataFrame's schema
 * before any work: a missing column or another type is one error naming the column and the type expected.
 */
final class InputColumns {
  private static final DataType IDS = DataTypes.createArrayType(DataTypes.IntegerType);

  private InputColumns() {}

  /** Every id column of {@code schema}; labels only if {@code labelsRequired}, else checked where present. */
  static void check(StructType input, FeatureSchema schema, boolean labelsRequired, String who) {
    List<String> labels = schema.tasks().stream().map(FeatureSchema::labelColumn).toList();
    for (String column : new RowBatches(schema, false).columns()) {
      boolean label = labels.contains(column);
      if (label && !labelsRequired && !has(input, column)) continue;
      require(input, column, label ? DataTypes.IntegerType : IDS, who);
    }
  }

  /** {@code column} must exist with {@code expected}'s type (an array's elements may be nullable or not). */
  static void require(StructType input, String column, DataType expected, String who) {
    if (!has(input, column)) {
      throw new IllegalArgumentException(who + ": the input has no column '" + column + "' (expected " + expected.simpleString()
          + "); its columns are " + Arrays.toString(input.fieldNames()));
    }
    DataType actual = input.apply(column).dataType();
    boolean fits = expected instanceof ArrayType e
        ? actual instanceof ArrayType a && a.elementType().equals(e.elementType())
        : actual.equals(expected);
    if (!fits) {
      throw new IllegalArgumentException(who + ": column '" + column + "' is " + actual.simpleString() + ", expected "
          + expected.simpleString());
    }
  }

  /** The input with one float column {@code <prefix><task>} per task appended; a name already taken is refused. */
  static StructType withPredictions(StructType input, List<String> tasks, String prefix, String who) {
    StructType out = input;
    for (String task : tasks) {
      String name = prefix + task;
      if (has(input, name)) {
        throw new IllegalArgumentException(who + ": the input already has a column '" + name + "' (predictionCol prefix '"
            + prefix + "'): choose another prefix");
      }
      out = out.add(new StructField(name, DataTypes.FloatType, false, org.apache.spark.sql.types.Metadata.empty()));
    }
    return out;
  }

  private static boolean has(StructType input, String column) {
    return Arrays.asList(input.fieldNames()).contains(column);
  }
}
