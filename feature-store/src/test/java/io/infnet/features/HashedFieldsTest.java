package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import io.infnet.schema.FeatureSchema;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** features.hash_buckets (issue 12, item 3): hashed ids beside vocabularies, the same in every build path, and their collisions. */
class HashedFieldsTest {
  private static final long DAY_MS = 86_400_000L;
  private final SparkSession spark = SparkTestSupport.spark();

  /** The published MurmurHash3 x86_32 vectors (SMHasher), every tail length included: the documented hash, reproducible anywhere. */
  @Test
  void murmur3IsTheReferenceFunction() {
    assertEquals(0, IdHashing.murmur3(utf8(""), 0));
    assertEquals(0x514E28B7, IdHashing.murmur3(utf8(""), 1));
    assertEquals(0x81F16F39, IdHashing.murmur3(utf8(""), 0xffffffff));
    assertEquals(0x2362F9DE, IdHashing.murmur3(new byte[4], 0));
    int seed = 0x9747b28c;
    assertEquals(0x5A97808A, IdHashing.murmur3(utf8("aaaa"), seed));
    assertEquals(0x283E0130, IdHashing.murmur3(utf8("aaa"), seed));
    assertEquals(0x5D211726, IdHashing.murmur3(utf8("aa"), seed));
    assertEquals(0x7FA09EA6, IdHashing.murmur3(utf8("a"), seed));
    assertEquals(0x24884CBA, IdHashing.murmur3(utf8("Hello, world!"), seed));
    assertEquals(0x2FA826CD, IdHashing.murmur3(utf8("The quick brown fox jumps over the lazy dog"), seed));
    assertEquals(0, IdHashing.bucket(null, 10), "missing is 0");
  }

  /**
   * By hand: with seed 0x1D5EED and 3 buckets, "1".."5" go to buckets 2, 1, 3, 1, 3: 5 ids, 3 buckets used, 4 ids share a
   * bucket (2 with 4, 3 with 5): 0.8 exact; expected 1 - (2/3)^4 = 65/81. A repeated id and a null count once and not at all.
   */
  @Test
  void collisionsAreCountedOverDistinctIdsAndMatchAHandComputedCase() {
    assertEquals(List.of(2, 1, 3, 1, 3), List.of("1", "2", "3", "4", "5").stream().map(v -> IdHashing.bucket(v, 3)).toList());
    Dataset<Row> rows = spark.createDataFrame(Arrays.asList(RowFactory.create(1L), RowFactory.create(2L), RowFactory.create(3L),
        RowFactory.create(4L), RowFactory.create(5L), RowFactory.create(1L), RowFactory.create((Object) null)),
        DataTypes.createStructType(List.of(DataTypes.createStructField("user_id", DataTypes.LongType, true))));
    QualityReport quality = new QualityReport();
    new IdHashing(Map.of("user_id", 3)).recordCollisions(rows, List.of(), quality);
    assertEquals(5, quality.get(QualityReport.HASH_IDS, "user_id"));
    assertEquals(3, quality.get(QualityReport.HASH_BUCKETS_USED, "user_id"));
    assertEquals(0.8, quality.get(QualityReport.HASH_COLLIDING, "user_id"), 1e-12);
    assertEquals(65.0 / 81, quality.get(QualityReport.HASH_EXPECTED_COLLIDING, "user_id"), 1e-12);
  }

  /**
   * user_id and the tag lists hashed, every other field on its vocabulary: ids in [1, B] that are the documented hash of
   * the id, the same in a full build, a day range rebuilt on it and candidates; the quality table's collision numbers
   * are those of the table's own ids.
   */
  @Test
  void mixedHashedAndVocabularyFieldsGiveTheSameIdsInEveryBuildPath() {
    InfnetConfig config = SmallLake.copy("features.hash_buckets.user_id=64", "features.hash_buckets.tag=16");
    LakePaths lake = LakePaths.of(config);
    FeatureBuildResult built = FeatureBuilder.run(spark, config);
    FeatureSchema schema = built.schema();
    assertEquals(65, schema.field("user_id").cardinality());
    assertEquals(17, schema.field("tag").cardinality());
    Set<String> vocabularyFields = new HashSet<>();
    Delta.read(spark, lake.vocabulary()).select("field").distinct().collectAsList().forEach(r -> vocabularyFields.add(r.getString(0)));
    assertFalse(vocabularyFields.contains("user_id") || vocabularyFields.contains("tag"), "hashed fields have no vocabulary: " + vocabularyFields);
    assertTrue(vocabularyFields.contains("video_id"), "unhashed fields keep theirs");

    Dataset<Row> table = Delta.read(spark, built.tablePath());
    Map<Long, Integer> userIds = slotIds(table, schema, "user_id");
    userIds.forEach((user, id) -> assertEquals(IdHashing.bucket(String.valueOf(user), 64), id, "user " + user));
    assertTagListsHashedElementWise(table, lake);

    Dataset<Row> report = built.qualityReport();
    Map<Integer, Integer> usersPerBucket = new HashMap<>();
    userIds.values().forEach(id -> usersPerBucket.merge(id, 1, Integer::sum));
    long colliding = usersPerBucket.values().stream().filter(n -> n > 1).mapToLong(n -> n).sum();
    assertEquals(userIds.size(), reported(report, QualityReport.HASH_IDS, "user_id"), 0);
    assertEquals(usersPerBucket.size(), reported(report, QualityReport.HASH_BUCKETS_USED, "user_id"), 0);
    assertEquals((double) colliding / userIds.size(), reported(report, QualityReport.HASH_COLLIDING, "user_id"), 1e-12);
    assertTrue(colliding > 0, "150 users in 64 buckets collide");
    assertEquals(IdHashing.expectedCollidingFraction(userIds.size(), 64), reported(report, QualityReport.HASH_EXPECTED_COLLIDING, "user_id"), 1e-12);
    assertTrue(reported(report, QualityReport.HASH_IDS, "tag") > 0, "tag lists reported too");

    // a day range rebuilt on the table writes the same rows; candidates (an unseen user included) get the same hash
    List<String> columns = List.of("user_id", "video_id", "time_ms", "cat", "multi_tag");
    Dataset<Row> before = table.where("date >= '2022-04-12'").select(columns.stream().map(c -> col(c)).toArray(Column[]::new)).localCheckpoint();
    FeatureBuilder.run(spark, config.with("features.from_date=2022-04-12", "features.to_date=2022-04-13"));
    Dataset<Row> after = Delta.read(spark, built.tablePath()).where("date >= '2022-04-12'").select(columns.stream().map(c -> col(c)).toArray(Column[]::new));
    assertEquals(0, before.except(after).count() + after.except(before).count(), "the day range writes the full build's rows");

    Dataset<Row> candidates = spark.createDataFrame(List.of(RowFactory.create(99_999_999L, 1L, 1_650_000_000_000L, 20220414, 1200, 1)),
        RawSchemas.CANDIDATES).union(table.where("date = '2022-04-13'").limit(20)
        .select(col("user_id"), col("video_id"), col("time_ms").plus(DAY_MS), lit(20220414), lit(1200), lit(1)));
    CandidateFeatures.Built scored = CandidateFeatures.build(spark, config, candidates);
    try {
      Map<Long, Integer> candidateIds = slotIds(scored.rows(), schema, "user_id");
      assertEquals(IdHashing.bucket("99999999", 64), candidateIds.get(99_999_999L), "an unseen user is hashed, not OOV");
      candidateIds.forEach((user, id) -> assertEquals(IdHashing.bucket(String.valueOf(user), 64), id, "candidate user " + user));
    } finally {
      scored.release();
    }
  }

  /** Each listed tag of a video (first 4, trimmed, source order) is hashed on its own into 1..16. */
  private void assertTagListsHashedElementWise(Dataset<Row> table, LakePaths lake) {
    Map<Long, String> rawTags = new HashMap<>();
    for (Row r : Delta.read(spark, lake.rawVideos()).select("video_id", "tag").collectAsList()) rawTags.put(r.getLong(0), r.getString(1));
    List<Row> lists = table.select("video_id", "multi_tag").distinct().collectAsList();
    assertTrue(lists.stream().anyMatch(r -> !r.getList(1).isEmpty()), "some videos have tags");
    for (Row r : lists) {
      String raw = rawTags.get(r.getLong(0));
      List<Integer> expected = raw == null ? List.of() : Arrays.stream(raw.split(",")).map(String::trim).filter(v -> !v.isEmpty())
          .limit(4).map(v -> IdHashing.bucket(v, 16)).toList();
      assertEquals(expected, r.getList(1), "video " + r.getLong(0) + " tags '" + raw + "'");
    }
  }

  /** user → its id in the cat slot of {@code field}; one id per user, else the map would not be a function. */
  private static Map<Long, Integer> slotIds(Dataset<Row> rows, FeatureSchema schema, String field) {
    Map<Long, Integer> ids = new HashMap<>();
    for (Row r : rows.select(col("user_id"), element_at(col(FeatureSchema.CAT_COLUMN), schema.fieldIndex(field) + 1)).distinct().collectAsList()) {
      Integer previous = ids.put(r.getLong(0), r.getInt(1));
      assertTrue(previous == null, "user " + r.getLong(0) + " got two ids");
      assertTrue(r.getInt(1) >= 1 && r.getInt(1) <= schema.field(field).cardinality() - 1, "id in [1, B]: " + r);
    }
    return ids;
  }

  private static double reported(Dataset<Row> report, String section, String name) {
    List<Row> rows = report.where(col("section").equalTo(section).and(col("name").equalTo(name))).select("value").collectAsList();
    assertEquals(1, rows.size(), section + "/" + name);
    return rows.get(0).getDouble(0);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
