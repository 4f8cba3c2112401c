package io.infnet.jobs.train;

import io.infnet.model.train.MetricRecord;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Appends a run's metric history to the {@code training_runs} Delta table: (run id, model, step, task, metric, value). */
public final class RunHistoryTable {
  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("model_name", DataTypes.StringType, false)
      .add("model_version", DataTypes.IntegerType, false)
      .add("epoch", DataTypes.IntegerType, false)
      .add("step", DataTypes.LongType, false)
      .add("split", DataTypes.StringType, false)
      .add("task", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, true)
      .add("recorded_at", DataTypes.TimestampType, false);

  private RunHistoryTable() {}

  public static void append(SparkSession spark, String path, String runId, String modelName, int modelVersion,
      List<MetricRecord> history) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> rows = new ArrayList<>();
    for (MetricRecord m : history) {
      rows.add(RowFactory.create(runId, modelName, modelVersion, m.epoch(), m.step(), m.split(), m.task(), m.metric(),
          Double.isFinite(m.value()) ? m.value() : null, now));
    }
    spark.createDataFrame(rows, SCHEMA).write().format("delta").mode(SaveMode.Append).save(path);
  }
}
