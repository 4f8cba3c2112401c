package io.infnet.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.features.FeatureTables;
import io.infnet.features.spark.Delta;
import io.infnet.jobs.TrainedLake.Run;
import io.infnet.lake.LakePaths;
import io.infnet.schema.IdEncoding;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 3: hashed fields are part of a model's id binding. The shared lake's models were trained with every
 * field on a vocabulary; features rebuilt with user_id and tag hashed are refused by them naming both hashings, and a
 * model trained on the mixed features scores them.
 */
class HashedFieldsBindingTest {
  private static final String[] HASHED = {"features.hash_buckets.user_id=64", "features.hash_buckets.tag=16"};

  @Test
  void aModelRefusesFeaturesHashedOtherwiseAndOneTrainedOnMixedFeaturesScoresThem() throws Exception {
    Path lake = TrainedLake.copy();
    LakePaths paths = LakePaths.of(TrainedLake.config(lake));
    TrainedLake.inProcess(lake, new FeaturesJob(), HASHED);
    IdEncoding.Hashing hashing = FeatureTables.pinCurrent(TrainedLake.spark(), paths.features()).encoding().hashing();
    assertEquals(new IdEncoding.Hashing("murmur3_x86_32", 0x1D5EED, Map.of("user_id", 64, "tag", 16)), hashing);

    Run refused = TrainedLake.main(lake, "score", "--set", HASHED[0], "--set", HASHED[1]);
    assertEquals(1, refused.code(), refused.all());
    assertTrue(refused.err().contains("the model's hashed ids come from no hashed field, the rows' from murmur3_x86_32 seed "
        + 0x1D5EED + " {tag=16, user_id=64}"), refused.err());
    assertFalse(Delta.exists(TrainedLake.spark(), paths.predictions()), "nothing scored");

    TrainedLake.inProcess(lake, new TrainJob(), HASHED);
    Run scored = TrainedLake.main(lake, "score", "--set", HASHED[0], "--set", HASHED[1]);
    assertEquals(0, scored.code(), scored.all());
    assertTrue(Delta.read(TrainedLake.spark(), paths.predictions()).where(col("model_version").equalTo(3)).count() > 0, "scored by v3");
  }
}
