package io.infnet.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.features.FeatureTables;
import io.infnet.features.spark.Delta;
import io.infnet.jobs.TrainedLake.Run;
import io.infnet.lake.LakePaths;
import io.infnet.schema.IdEncoding;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 4: a model is bound to the exact vocabulary and bucket splits its ids came from. A full build that
 * refits them can reorder ids at equal cardinality (here: two videos trade names, so every count and cardinality stays,
 * but their ids swap); the feature schema is then equal and only the recorded id encoding tells the model apart.
 */
class IdEncodingBindingTest {
  private static final String DAY = "2022-04-13";

  @Test
  void aRefitThatReordersIdsIsRefusedNamingBothVersionsUntilTheModelsMappingsAreBack() throws Exception {
    Path lake = TrainedLake.copy();
    LakePaths paths = LakePaths.of(TrainedLake.config(lake));
    IdEncoding trainedOn = pin(paths).encoding();

    swapMostAndLeastFrequentTrainVideo(paths);
    TrainedLake.inProcess(lake, new FeaturesJob());
    FeatureTables.Pinned refit = pin(paths);
    assertEquals(FeatureTables.readSchema(spark(), paths.features()), refit.schema());
    assertEquals(trainedOn.bucketSplits().contentHash(), refit.encoding().bucketSplits().contentHash(), "numbers untouched");
    assertNotEquals(trainedOn.vocabulary().contentHash(), refit.encoding().vocabulary().contentHash(), "video ids reordered");
    String bothVersions = "the model's ids come from the vocabulary at " + describe(trainedOn.vocabulary()) + ", the rows' from "
        + describe(refit.encoding().vocabulary());

    Run score = TrainedLake.main(lake, "score");
    Run evaluate = TrainedLake.main(lake, "evaluate");
    assertEquals(1, score.code(), score.all());
    assertTrue(score.err().contains("infnet: error: ") && score.err().contains("model infnet v2 does not fit feature table")
        && score.err().contains(bothVersions), score.err());
    assertFalse(score.err().contains("bucket splits at"), "equal splits are not named: " + score.err());
    assertFalse(Delta.exists(spark(), paths.predictions()), "nothing scored");
    assertEquals(1, evaluate.code(), evaluate.all());
    assertTrue(evaluate.err().contains(bothVersions), evaluate.err());

    // the remedy docs/DATA_POLICY.md gives: restore the model's mappings, then rebuild with them frozen
    Delta.restore(spark(), paths.vocabulary(), trainedOn.vocabulary().deltaVersion());
    Delta.restore(spark(), paths.bucketSplits(), trainedOn.bucketSplits().deltaVersion());
    Run dayRange = TrainedLake.main(lake, "features", "--date=" + DAY);
    assertEquals(1, dayRange.code(), dayRange.all());
    assertTrue(dayRange.err().contains("was built with other id mappings than the stored ones: the table's ids come from the vocabulary at "
        + describe(refit.encoding().vocabulary())), "a day encoded with other ids is not appended: " + dayRange.err());

    TrainedLake.inProcess(lake, new FeaturesJob(), "features.freeze_vocabulary=true");
    assertEquals(trainedOn.vocabulary().contentHash(), pin(paths).encoding().vocabulary().contentHash());
    Run rescored = TrainedLake.main(lake, "score");
    assertEquals(0, rescored.code(), rescored.all());
    assertTrue(Delta.read(spark(), paths.predictions()).where(col("model_version").equalTo(2)).count() > 0, "scored by v2");
  }

  /** Video A (most impressions in the train split) and video B (fewest, at least 2) trade ids in every raw table. */
  private static void swapMostAndLeastFrequentTrainVideo(LakePaths paths) {
    List<Row> counts = Delta.read(spark(), paths.rawLog()).where(col("date").leq(20220411)).groupBy("video_id").count()
        .where(col("count").geq(2)).orderBy(col("count").desc(), col("video_id")).collectAsList();
    long a = counts.get(0).getLong(0), b = counts.get(counts.size() - 1).getLong(0);
    assertTrue(counts.get(0).getLong(1) > counts.get(counts.size() - 1).getLong(1), "two videos with different counts");
    for (String table : List.of(paths.rawLog(), paths.rawVideos(), paths.rawOracle())) {
      if (!Delta.exists(spark(), table)) continue;
      Dataset<Row> rows = Delta.read(spark(), table).localCheckpoint();
      Dataset<Row> swapped = rows.withColumn("video_id",
          when(col("video_id").equalTo(a), lit(b)).when(col("video_id").equalTo(b), lit(a)).otherwise(col("video_id")));
      swapped.write().format("delta").mode("overwrite").save(table);
    }
  }

  private static String describe(IdEncoding.Mapping m) {
    return "Delta version " + m.deltaVersion() + " (hash " + m.contentHash() + ")";
  }

  private static FeatureTables.Pinned pin(LakePaths paths) {
    return FeatureTables.pinCurrent(spark(), paths.features());
  }

  private static SparkSession spark() {
    return TrainedLake.spark();
  }
}
