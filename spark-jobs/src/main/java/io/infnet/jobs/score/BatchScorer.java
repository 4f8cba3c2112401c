package io.infnet.jobs.score;

import io.infnet.jobs.data.RowBatches;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores feature-table rows on the executors: the model's bytes travel once per executor by broadcast, and rows are
 * predicted in batches next to the data, each task thread with its own loaded copy of the model ({@link
 * ExecutorPredictors}): no lock is shared between the tasks of an executor. Output: the {@code keep} columns followed by
 * one {@code <prefix><task>} column per task.
 */
public final class BatchScorer {
  /** The prediction columns' prefix of the CLI's tables ({@code p_click}, ...). */
  public static final String PREDICTION_PREFIX = "p_";

  private BatchScorer() {}

  public static String predictionColumn(String task) {
    return PREDICTION_PREFIX + task;
  }

  /** The model of {@code manifest} and {@code weights} (the registry's two files) applied to {@code features}. */
  public static Dataset<Row> score(Dataset<Row> features, byte[] manifest, byte[] weights, FeatureSchema modelSchema,
      int batchSize, boolean mapOutOfRangeToOov, List<String> keep, String predictionPrefix) {
    RowBatches batches = new RowBatches(modelSchema, mapOutOfRangeToOov);
    List<Column> cols = new ArrayList<>();
    for (String c : batches.columns()) cols.add(inputColumn(features, c, modelSchema));
    for (String c : keep) cols.add(functions.col(c));
    Dataset<Row> input = features.select(cols.toArray(Column[]::new));

    List<StructField> out = new ArrayList<>();
    for (String c : keep) out.add(features.schema().apply(c));
    for (String task : modelSchema.tasks()) out.add(DataTypes.createStructField(predictionPrefix + task, DataTypes.FloatType, false));
    StructType outSchema = DataTypes.createStructType(out);

    Broadcast<byte[][]> model = new org.apache.spark.api.java.JavaSparkContext(features.sparkSession().sparkContext())
        .broadcast(new byte[][] {manifest, weights});
    PartitionScorer scorer = new PartitionScorer(model, io.infnet.lake.Checksums.sha256(weights), batches, batchSize,
        batches.columns().size(), keep.size());
    return input.mapPartitions(scorer, Encoders.row(outSchema));
  }

  /** A label column the rows lack (candidates have no outcome) is read as null: predicting never reads labels. */
  private static Column inputColumn(Dataset<Row> features, String column, FeatureSchema modelSchema) {
    boolean label = modelSchema.tasks().stream().anyMatch(t -> FeatureSchema.labelColumn(t).equals(column));
    if (!label || java.util.Arrays.asList(features.columns()).contains(column)) return functions.col(column);
    return functions.lit(null).cast("int").as(column);
  }

  /** Runs on an executor: batches the partition's rows and predicts them. */
  private record PartitionScorer(Broadcast<byte[][]> model, String modelSha, RowBatches batches, int batchSize,
      int featureColumns, int keepColumns) implements MapPartitionsFunction<Row, Row> {

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      RankingModel ranker = ExecutorPredictors.borrow(modelSha, model);
      TaskContext task = TaskContext.get();
      // given back when the task ends, however it ends (an abandoned iterator or a failure must not keep it)
      if (task != null) task.addTaskCompletionListener((TaskCompletionListener) done -> ExecutorPredictors.giveBack(modelSha, ranker));
      return new Iterator<>() {
        private final List<Row> pending = new ArrayList<>();
        private Iterator<Row> ready = List.<Row>of().iterator();

        @Override
        public boolean hasNext() {
          if (ready.hasNext()) return true;
          if (!rows.hasNext()) return false;
          ready = scoreNextBatch().iterator();
          return ready.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) throw new java.util.NoSuchElementException();
          return ready.next();
        }

        private List<Row> scoreNextBatch() {
          pending.clear();
          Batch batch = batches.newBatch(batchSize);
          while (rows.hasNext() && !batch.isFull()) {
            Row r = rows.next();
            batches.add(batch, r);
            pending.add(r);
          }
          float[][] p = ranker.predict(batch); // this task's own copy: no other thread uses it meanwhile
          List<Row> scored = new ArrayList<>(pending.size());
          for (int i = 0; i < pending.size(); i++) {
            Object[] values = new Object[keepColumns + p[i].length];
            for (int k = 0; k < keepColumns; k++) values[k] = pending.get(i).get(featureColumns + k);
            for (int t = 0; t < p[i].length; t++) values[keepColumns + t] = p[i][t];
            scored.add(RowFactory.create(values));
          }
          return scored;
        }
      };
    }
  }
}
