package io.infnet.features.raw;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.infnet.config.InfnetConfig;
import io.infnet.features.SparkTestSupport;
import io.infnet.features.spark.AllOrNothing;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** User-supplied raw data: a KuaiRand-format log CSV with the real user and video files. */
class RawImportTest {
  private static final String HEADER = "user_id,video_id,date,hourmin,time_ms,is_click,is_like,is_follow,is_comment,"
      + "is_forward,is_hate,long_view,play_time_ms,duration_ms,profile_stay_time,comment_stay_time,is_profile_enter,is_rand,tab";

  @Test
  void kuaiRandCsvLogAndRealProfilesLoadIntoTheRawTables() throws IOException {
    SparkSession spark = SparkTestSupport.spark();
    Path dir = SparkTestSupport.sharedDir().resolve("data/kuairand-pure");
    Path log = Files.createTempFile("log_standard_", ".csv");
    Files.writeString(log, String.join("\n", HEADER,
        "0,5,20220408,1000,1649412000000,1,0,0,0,0,0,1,20000,30000,0,0,0,0,1",
        "0,7,20220408,1000,1649412060000,0,0,0,0,0,0,0,0,45000,0,0,0,0,1",
        "1,5,20220409,2100,1649538000000,1,1,0,0,0,0,0,5000,30000,0,0,0,0,4") + "\n");
    InfnetConfig config = SparkTestSupport.config();
    LakePaths lake = LakePaths.of(config);
    Delta.overwrite(spark.createDataFrame(List.of(), RawSchemas.ORACLE), lake.rawOracle(), "date"); // a previous datagen's

    RawImport.Imported imported = RawImport.run(spark, config, log.toString(),
        dir.resolve("user_features_pure.csv").toString(), dir.resolve("video_features_basic_pure.csv").toString(), false);

    assertEquals(new RawImport.Imported(3, 27_285, 7_583), imported);
    assertFalse(Delta.exists(spark, lake.rawOracle()), "imported data has no oracle: the stale one is deleted");
    assertEquals(Arrays.asList(RawSchemas.LOG.fieldNames()), Arrays.asList(Delta.read(spark, lake.rawLog()).columns()));
    Row liked = Delta.read(spark, lake.rawLog()).where("is_like = 1").first();
    assertEquals(1L, liked.<Long>getAs("user_id"));
    assertEquals(20220409, liked.<Integer>getAs("date"));
    assertEquals("[100,1k)", Delta.read(spark, lake.rawUsers()).where("user_id = 0").first().getAs("fans_user_num_range"));
  }

  @Test
  void parquetWithAWrongTypeIsRejectedNamingTableAndColumn() throws IOException {
    SparkSession spark = SparkTestSupport.spark();
    Path dir = SparkTestSupport.sharedDir().resolve("data/kuairand-pure");
    Path users = Files.createTempDirectory("users-parquet-").resolve("users");
    RawTables.readCsv(spark, dir.resolve("user_features_pure.csv").toString(), RawSchemas.USERS)
        .withColumn("register_days", col("register_days").cast("string"))
        .write().parquet(users.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RawInput.read(spark, users.toString(), RawSchemas.USERS, false));
    assertTrue(e.getMessage().contains("'users'") && e.getMessage().contains("register_days has type string, expected int"),
        e.getMessage());
  }

  @Test
  void aFailedThirdWriteRestoresTheTablesAlreadyWrittenToTheirPreviousVersions() throws IOException {
    SparkSession spark = SparkTestSupport.spark();
    LakePaths lake = LakePaths.of(SparkTestSupport.config());
    String users = csv("users.csv", RawSchemas.USERS, "1,high_active", "2,low_active");
    String videos = csv("videos.csv", RawSchemas.VIDEOS, "10,100", "11,101");
    RawImport.run(spark, lake, csv("log.csv", RawSchemas.LOG, "1,10,20220408,1000,1649412000000"), users, videos, false, t -> {});
    List<String> tables = List.of(lake.rawLog(), lake.rawUsers(), lake.rawVideos());
    Map<String, Long> versions = AllOrNothing.versions(spark, tables);
    List<List<String>> before = contents(spark, tables);
    String day2 = csv("log2.csv", RawSchemas.LOG, "2,11,20220409,1000,1649498400000", "3,10,20220409,1001,1649498460000");
    String users2 = csv("users2.csv", RawSchemas.USERS, "1,full_active", "3,new");
    IllegalStateException broken = new IllegalStateException("disk full");

    assertSame(broken, assertThrows(IllegalStateException.class, () -> RawImport.run(spark, lake, day2, users2, videos, false, t -> {
      if (t.equals("videos")) throw broken;
    })));

    assertEquals(before, contents(spark, tables), "log and users restored, videos never written");
    for (String table : tables.subList(0, 2)) {
      Row last = DeltaTable.forPath(spark, table).history(1).select("operation", "operationParameters").first();
      assertEquals("RESTORE", last.getString(0));
      assertEquals(String.valueOf(versions.get(table)), last.<String, String>getJavaMap(1).get("version"), "restored to the version before the import");
    }
    assertEquals(versions.get(lake.rawVideos()), Delta.version(spark, lake.rawVideos()));
  }

  /** A CSV of {@code schema}'s header and the given lines, each padded with empty fields to the schema's width. */
  private static String csv(String name, StructType schema, String... lines) throws IOException {
    StringBuilder sb = new StringBuilder(String.join(",", schema.fieldNames())).append('\n');
    for (String line : lines) sb.append(line).append(",".repeat(schema.size() - line.split(",").length)).append('\n');
    return Files.writeString(Files.createTempDirectory("import-").resolve(name), sb.toString()).toString();
  }

  private static List<List<String>> contents(SparkSession spark, List<String> tables) {
    List<List<String>> out = new ArrayList<>();
    for (String table : tables) out.add(Delta.read(spark, table).collectAsList().stream().map(Row::toString).sorted().toList());
    return out;
  }
}
