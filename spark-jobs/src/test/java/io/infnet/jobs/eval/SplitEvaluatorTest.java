package io.infnet.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.SparkSessions;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The oracle is measured like the model, on the same rows, and only where it covers all of them. */
class SplitEvaluatorTest {
  private static final StructType SCORED = new StructType()
      .add("user_id", DataTypes.LongType)
      .add("label_click", DataTypes.IntegerType).add("p_click", DataTypes.FloatType).add("oracle_click", DataTypes.DoubleType)
      .add("label_like", DataTypes.IntegerType).add("p_like", DataTypes.FloatType).add("oracle_like", DataTypes.DoubleType);

  @Test
  void oracleMetricsAreOnTheModelsRowsAndOnlyWhereEveryLabelledRowHasAProbability() {
    SparkSession spark = SparkSessions.getOrCreate(
        InfnetConfig.defaults().with("spark.master=local[2]", "spark.shuffle_partitions=2"), "split-evaluator-test");
    Dataset<Row> scored = spark.createDataFrame(List.of(
        // user, click label, model, oracle, like label, model, oracle
        RowFactory.create(1L, 1, 0.4f, 0.9, 1, 0.6f, 0.7),
        RowFactory.create(1L, 0, 0.6f, 0.2, 0, 0.5f, 0.1),
        RowFactory.create(2L, 1, 0.7f, 0.8, 0, 0.4f, null), // a labelled like row without its oracle
        RowFactory.create(2L, 0, 0.3f, 0.1, 1, 0.3f, 0.6),
        RowFactory.create(3L, null, 0.5f, null, null, 0.5f, null)), SCORED); // no label: in no metric

    List<TaskMetrics> model = SplitEvaluator.evaluate(scored, List.of("click", "like"));
    List<TaskMetrics> oracle = SplitEvaluator.evaluateOracle(scored, List.of("click", "like"));

    assertEquals(1, oracle.size(), "like's oracle misses a labelled row: not reported");
    TaskMetrics click = oracle.get(0), modelClick = model.get(0);
    assertEquals("click", click.task());
    assertEquals(modelClick.rows(), click.rows());
    assertEquals(modelClick.positives(), click.positives());
    assertEquals(0.75, modelClick.auc(), 1e-9);
    assertEquals(1.0, click.auc(), 1e-9, "the oracle ranks every positive first");
    assertEquals(1.0, click.gauc(), 1e-9);
    double logloss = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.8) + Math.log(0.9)) / 4;
    assertEquals(logloss, click.logloss(), 1e-9);
  }
}
