package io.infnet.features.datagen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.SparkTestSupport;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.spark.Delta;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The real KuaiRand-Pure user and video files (../shared, CC BY-SA 4.0, never committed) loaded as they are. */
class RealKuaiRandProfilesTest {
  @Test
  void logsAreGeneratedOverTheRealUsersAndVideosLoadedVerbatim() {
    SparkSession spark = SparkTestSupport.spark();
    Path dir = SparkTestSupport.sharedDir().resolve("data/kuairand-pure");
    InfnetConfig config = SparkTestSupport.config("datagen.users_csv=" + dir.resolve("user_features_pure.csv"),
        "datagen.videos_csv=" + dir.resolve("video_features_basic_pure.csv"), "datagen.days=1",
        "datagen.impressions_per_user_day=0.2");
    DatagenResult result = DataGenerator.run(spark, config);

    assertEquals(27_285, result.userRows());
    assertEquals(7_583, result.videoRows());
    Dataset<Row> users = Delta.read(spark, result.usersPath());
    Dataset<Row> videos = Delta.read(spark, result.videosPath());
    RawSchemas.requireSchema(users, RawSchemas.USERS, "users");
    RawSchemas.requireSchema(videos, RawSchemas.VIDEOS, "videos");
    // quoted commas stay inside their column
    Row user0 = users.where("user_id = 0").first();
    assertEquals("full_active", user0.getAs("user_active_degree"));
    assertEquals("[100,1k)", user0.getAs("fans_user_num_range"));
    assertEquals("[30,60)", user0.getAs("friend_user_num_range"));
    assertEquals(1.0, (double) user0.getAs("onehot_feat13"));
    assertEquals("(250,500]", users.where("user_id = 1").first().getAs("follow_user_num_range"));
    assertEquals(874, users.where("onehot_feat4 is null").count());
    assertEquals(1_446, videos.where("array_contains(split(tag, ','), '39')").count());
    assertEquals("39,43", videos.where("video_id = 11").first().getAs("tag"));
    assertEquals(96, videos.where("tag is null").count());
    assertEquals(6_510, videos.select("author_id").distinct().count());

    Dataset<Row> log = Delta.read(spark, result.logPath());
    assertTrue(result.logRows() > 27_285 * 0.2 * 0.7, "rows " + result.logRows());
    assertEquals(result.logRows(), log.join(users.select("user_id"), "user_id").count(), "every log user is a real user");
    assertEquals(result.logRows(), log.join(videos.select("video_id"), "video_id").count(), "every log video is a real video");
    assertEquals(result.logRows(), log.join(Delta.read(spark, result.oraclePath()), new String[] {"user_id", "video_id", "time_ms"})
        .count(), "the generated log has its oracle over real users and videos too");
  }
}
