package io.infnet.jobs.promote;

import io.infnet.jobs.promote.PromotionGate.Comparison;
import io.infnet.jobs.promote.PromotionGate.Decision;
import io.infnet.jobs.promote.PromotionGate.TaskComparison;
import io.infnet.jobs.registry.ModelStore;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code promotions} Delta table: one row per decision, gated or forced, promoted or refused, with who took it and
 * the metrics it rested on. Appended before the production pointer moves, so no promotion goes unrecorded.
 */
public final class PromotionLog {
  static final StructType METRIC = new StructType()
      .add("task", DataTypes.StringType, false)
      .add("rows", DataTypes.LongType, false)
      .add("production_auc", DataTypes.DoubleType, true)
      .add("candidate_auc", DataTypes.DoubleType, true)
      .add("auc_drop", DataTypes.DoubleType, true);
  static final StructType SCHEMA = new StructType()
      .add("decided_at", DataTypes.TimestampType, false)
      .add("decided_by", DataTypes.StringType, false)
      .add("model_name", DataTypes.StringType, false)
      .add("candidate_version", DataTypes.IntegerType, false)
      .add("production_version", DataTypes.IntegerType, true) // null: there was no production model
      .add("gated", DataTypes.BooleanType, false)
      .add("promoted", DataTypes.BooleanType, false)
      .add("reason", DataTypes.StringType, false)
      // the rows and threshold of a gated decision; null when forced
      .add("features_path", DataTypes.StringType, true)
      .add("features_version", DataTypes.LongType, true)
      .add("split", DataTypes.StringType, true)
      .add("max_auc_drop", DataTypes.DoubleType, true)
      .add("metrics", DataTypes.createArrayType(METRIC, false), false);

  private PromotionLog() {}

  public static void append(SparkSession spark, String path, Decision d, String user, Instant at) {
    Optional<Comparison> c = d.comparison();
    List<Row> metrics = c.map(Comparison::tasks).orElse(List.of()).stream().map(PromotionLog::metric).toList();
    Row row = RowFactory.create(Timestamp.from(at), user, d.candidate().name(), d.candidate().version(),
        d.production().map(ModelStore.Entry::version).orElse(null), d.gated(), d.promoted(), d.reason(),
        c.map(Comparison::featuresPath).orElse(null), c.map(Comparison::featuresVersion).orElse(null),
        c.map(Comparison::split).orElse(null), c.map(Comparison::maxAucDrop).orElse(null), metrics);
    spark.createDataFrame(List.of(row), SCHEMA).write().format("delta").mode(SaveMode.Append).save(path);
  }

  private static Row metric(TaskComparison t) {
    return RowFactory.create(t.task(), t.rows(), finite(t.productionAuc()), finite(t.candidateAuc()), finite(t.drop()));
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
