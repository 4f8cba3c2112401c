package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.raw.RawTables;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import io.infnet.schema.FeatureSchema;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** features.multi_valued (default {tag: 4}): value lists, their vocabulary and the multi_tag column. */
class MultiValuedFieldsTest {
  private final SparkSession spark = SparkTestSupport.spark();

  /** Two videos of the small lake get crafted tag lists: "1, 2,3" and "" (no tag). */
  @Test
  void listedTagsGetIdsInSourceOrderAndAnEmptyListGetsAnEmptyArray() {
    InfnetConfig config = SmallLake.copy();
    LakePaths lake = LakePaths.of(config);
    List<Row> busiest = Delta.read(spark, lake.rawLog()).where("date <= 20220411").groupBy("video_id").count()
        .orderBy(col("count").desc(), col("video_id")).limit(2).collectAsList();
    long listed = busiest.get(0).getLong(0), untagged = busiest.get(1).getLong(0);
    Dataset<Row> videos = Delta.read(spark, lake.rawVideos());
    Dataset<Row> crafted = videos.withColumn("tag", when(col("video_id").equalTo(listed), lit("1, 2,3"))
        .when(col("video_id").equalTo(untagged), lit("")).otherwise(col("tag"))).localCheckpoint();
    Delta.overwrite(crafted, lake.rawVideos());

    FeatureBuildResult built = FeatureBuilder.run(spark, config);
    Map<String, Integer> tagIds = tagVocabulary(lake);
    assertTrue(tagIds.keySet().containsAll(List.of("1", "2", "3")), "every listed tag is in the vocabulary: " + tagIds);
    FeatureSchema schema = built.schema();
    assertEquals(4, schema.field("tag").maxValues());
    int tagSlot = schema.fieldIndex("tag");

    Dataset<Row> table = Delta.read(spark, built.tablePath());
    for (Row r : table.where(col("video_id").equalTo(listed)).select("cat", "multi_tag").collectAsList()) {
      assertEquals(List.of(tagIds.get("1"), tagIds.get("2"), tagIds.get("3")), r.getList(1));
      assertEquals(tagIds.get("1"), r.getList(0).get(tagSlot), "the cat slot keeps the first tag");
    }
    for (Row r : table.where(col("video_id").equalTo(untagged)).select("cat", "multi_tag").collectAsList()) {
      assertEquals(List.of(), r.getList(1));
      assertEquals(0, (int) r.<Integer>getList(0).get(tagSlot));
    }
    Row bounds = table.selectExpr("max(size(multi_tag))", "min(array_min(multi_tag))", "max(array_max(multi_tag))").first();
    assertTrue(bounds.getInt(0) <= 4 && bounds.getInt(1) >= 0 && bounds.getInt(2) < schema.field("tag").cardinality());
    assertEquals(1, built.qualityReport().where("section = 'oov_rate' and name = 'multi_tag' and split = 'train'").count());
  }

  /** In the real KuaiRand-Pure videos (../shared, never committed) 23.6% have 2-3 tags; the first tag alone misses some values. */
  @Test
  void realKuaiRandVideosYieldMoreTagValuesThanTheFirstTagAlone() throws Exception {
    String csv = SparkTestSupport.sharedDir().resolve("data/kuairand-pure/video_features_basic_pure.csv").toString();
    Dataset<Row> videos = RawTables.readCsv(spark, csv, RawSchemas.VIDEOS);
    Vocabulary firstOnly = tagVocabulary(videos, 1);
    Vocabulary multi = tagVocabulary(videos, 4);
    assertEquals(44, firstOnly.cardinality("tag"));
    assertEquals(47, multi.cardinality("tag"));

    String path = Files.createTempDirectory("vocabulary-").resolve("tag").toString();
    multi.save(path);
    long tagged39 = Delta.read(spark, path).where("value = '39'").first().getLong(3);
    assertEquals(1_446, tagged39, "every video listing tag 39 counts, not only those listing it first");
  }

  private static Vocabulary tagVocabulary(Dataset<Row> videos, int maxValues) {
    Dataset<Row> lists = FeatureBuilder.splitLists(videos, Map.of("tag", maxValues));
    return Vocabulary.fit(lists, List.of("tag"), List.of("tag"), 1);
  }

  private Map<String, Integer> tagVocabulary(LakePaths lake) {
    Map<String, Integer> ids = new HashMap<>();
    for (Row r : Delta.read(spark, lake.vocabulary()).where("field = 'tag'").collectAsList()) {
      ids.put(r.getString(r.fieldIndex("value")), r.getInt(r.fieldIndex("index")));
    }
    return ids;
  }
}
