package io.infnet.jobs.score;

import io.infnet.jobs.data.RowBatches;
import io.infnet.jobs.registry.ModelStore;
import io.infnet.model.RankingModel;
import io.infnet.model.data.Batch;
import io.infnet.model.io.ModelExport;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores feature-table rows on the executors: the model's bytes travel once per executor by broadcast,
 * each executor JVM loads the model once, and rows are predicted in batches next to the data.
 * Output: the {@code keep} columns followed by one {@code p_<task>} column per task.
 */
public final class BatchScorer {
  private BatchScorer() {}

  public static String predictionColumn(String task) {
    return "p_" + task;
  }

  public static Dataset<Row> score(SparkSession spark, Dataset<Row> features, ModelStore.Artifact artifact,
      FeatureSchema modelSchema, int batchSize, boolean mapOutOfRangeToOov, List<String> keep) {
    RowBatches batches = new RowBatches(modelSchema, mapOutOfRangeToOov);
    List<Column> cols = new ArrayList<>();
    for (String c : batches.columns()) cols.add(inputColumn(features, c, modelSchema));
    for (String c : keep) cols.add(functions.col(c));
    Dataset<Row> input = features.select(cols.toArray(Column[]::new));

    List<StructField> out = new ArrayList<>();
    for (String c : keep) out.add(input.schema().apply(c));
    for (String task : modelSchema.tasks()) out.add(DataTypes.createStructField(predictionColumn(task), DataTypes.FloatType, false));
    StructType outSchema = DataTypes.createStructType(out);

    Broadcast<byte[][]> model = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext())
        .broadcast(new byte[][] {artifact.manifest(), artifact.weights()});
    PartitionScorer scorer = new PartitionScorer(model, io.infnet.lake.Checksums.sha256(artifact.weights()), batches, batchSize, batches.columns().size(), keep.size());
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
      RankingModel ranker = ExecutorModels.get(modelSha, model);
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
          float[][] p;
          synchronized (ranker) { // one model per executor JVM, shared by its task threads
            p = ranker.predict(batch);
          }
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

  /** The model loaded once per executor JVM (the latest one asked for; an older one is closed). */
  static final class ExecutorModels {
    private static String loadedSha;
    private static RankingModel loaded;

    static synchronized RankingModel get(String sha, Broadcast<byte[][]> bytes) {
      if (!sha.equals(loadedSha)) {
        if (loaded != null) loaded.close();
        byte[][] b = bytes.value();
        loaded = ModelExport.load(b[0], b[1]);
        loadedSha = sha;
      }
      return loaded;
    }
  }
}
