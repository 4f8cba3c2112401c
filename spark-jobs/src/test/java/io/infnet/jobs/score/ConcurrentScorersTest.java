package io.infnet.jobs.score;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.spark.SparkSessions;
import io.infnet.jobs.JobFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, item 5: two scorers writing the same date at once. Delta's optimistic concurrency lets one commit stand;
 * the other fails with one clear line and writes nothing, so the table never holds both runs' rows.
 */
class ConcurrentScorersTest {
  private static final long ROWS = 400;

  @Test
  void twoScorersOfOneDateNeverBothLandAndTheLoserSaysWhy(@TempDir Path dir) throws Exception {
    SparkSession spark = SparkSessions.getOrCreate(InfnetConfig.defaults().with("spark.master=local[2]", "spark.shuffle_partitions=2"),
        "concurrent-scorers-test");
    spark.udf().register("slowly", (UDF1<Long, Double>) v -> {
      Thread.sleep(10); // both writes stay open long enough to overlap
      return v / 1000.0;
    }, DataTypes.DoubleType);
    String path = dir.resolve("predictions").toString();
    ScoringRun.replaceDates(spark, predictions(spark, 0), path, List.of("2022-04-14"), "{}"); // version 0: an earlier run

    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService two = Executors.newFixedThreadPool(2);
    List<Future<ScoringRun.Written>> runs = new ArrayList<>();
    for (int run = 1; run <= 2; run++) {
      long id = run;
      runs.add(two.submit(() -> {
        together.await();
        return ScoringRun.replaceDates(spark, predictions(spark, id), path, List.of("2022-04-14"), "{\"run\":" + id + "}");
      }));
    }
    List<String> failures = new ArrayList<>();
    int landed = 0;
    for (Future<ScoringRun.Written> f : runs) {
      try {
        f.get();
        landed++;
      } catch (ExecutionException e) {
        assertTrue(e.getCause() instanceof JobFailure, "a conflict is a JobFailure, not " + e.getCause());
        failures.add(e.getCause().getMessage());
      }
    }
    two.shutdown();

    assertEquals(1, landed, "exactly one of two overlapping writers commits: " + failures);
    assertTrue(failures.get(0).startsWith("another job committed predictions for 2022-04-14 to " + path + " while this one was writing; "
        + "nothing of this run was written"), failures.get(0));
    Dataset<Row> table = spark.read().format("delta").load(path);
    assertEquals(ROWS, table.count(), "one run's rows, not both");
    assertEquals(1, table.select("run").distinct().count(), "all rows from the one run that landed");
    assertEquals(ROWS, table.select("user_id").distinct().count());
  }

  /** ROWS predictions of one date, tagged with the run that made them, computed slowly. */
  private static Dataset<Row> predictions(SparkSession spark, long run) {
    return spark.range(ROWS).repartition(2).select(col("id").as("user_id"), callUDF("slowly", col("id")).as("p_click"),
        col("id").multiply(0).plus(run).as("run"), org.apache.spark.sql.functions.lit("2022-04-14").as("date"));
  }
}
