package io.infnet.features;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.features.raw.RawImport;
import io.infnet.features.raw.RawMappings;
import io.infnet.features.spark.Delta;
import io.infnet.schema.FeatureSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real InstEval ratings (../shared/data/insteval, GPL, never copied into the repository) through their
 * declared mapping and conf/insteval.yaml into the ordinary feature build; every expectation is computed
 * directly from the CSV file.
 */
class InstEvalFeaturesTest {
  private static SparkSession spark;
  private static InfnetConfig config;
  private static RawImport.Imported imported;
  private static FeatureBuildResult built;
  private static FileCounts file;

  /** What the CSV says, counted without Spark: train = lectage 6..3 (the config's split). */
  private record FileCounts(long rows, long likes, long loves, Map<Integer, Long> rowsPerLectage, int trainStudents,
      int trainLecturers) {}

  @BeforeAll
  static void importAndBuild() throws IOException {
    Path csv = SparkTestSupport.sharedDir().resolve("data/insteval/InstEval.csv").toAbsolutePath().normalize();
    if (!Files.isRegularFile(csv)) {
      fail("InstEval data not found at " + csv + ": tests read it from shared/data/insteval next to the project root "
          + "(../shared; -Dinfnet.shared.dir overrides); it is never copied into the repository");
    }
    file = countFile(csv);
    spark = SparkTestSupport.spark();
    Path lake = Files.createTempDirectory("infnet-insteval-");
    config = ConfigLoader.load(Path.of(System.getProperty("infnet.project.dir", "..")).resolve("conf/insteval.yaml"), List.of())
        .with("lake.root=" + lake, "spark.master=local[2]", "spark.shuffle_partitions=2");
    imported = RawImport.runMapped(spark, config, RawMappings.INSTEVAL, csv.toString());
    built = FeatureBuilder.run(spark, config);
  }

  private static FileCounts countFile(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    long likes = 0, loves = 0;
    Map<Integer, Long> perLectage = new TreeMap<>();
    Set<String> students = new HashSet<>(), lecturers = new HashSet<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.replace("\"", "").split(",");   // s, d, studage, lectage, service, dept, y
      int lectage = Integer.parseInt(v[3]), y = Integer.parseInt(v[6]);
      if (y >= 4) likes++;
      if (y == 5) loves++;
      perLectage.merge(lectage, 1L, Long::sum);
      if (lectage >= 3) {
        students.add(v[0]);
        lecturers.add(v[1]);
      }
    }
    return new FileCounts(lines.size() - 1, likes, loves, perLectage, students.size(), lecturers.size());
  }

  @Test
  void everyRatingBecomesOneImpressionAndLectageSelectsTheSplit() {
    assertEquals(73_421, file.rows());
    assertEquals(new RawImport.Imported(file.rows(), 2_972, 1_128), imported);
    Dataset<Row> table = Delta.read(spark, built.tablePath());
    assertEquals(file.rows(), table.count(), "no rating dropped");
    double dropped = built.qualityReport().where("section = 'dropped'").selectExpr("coalesce(sum(value), 0)").first().getDouble(0);
    assertEquals(0.0, dropped);
    // lectage k is the day 2000-01-01 + (6 - k): 6..3 train, 2 valid, 1 test
    Map<String, Long> perDay = new TreeMap<>();
    for (Row r : table.groupBy("date", "split").count().collectAsList()) perDay.put(r.getString(0) + " " + r.getString(1), r.getLong(2));
    Map<String, Long> expected = new TreeMap<>();
    for (int k = 1; k <= 6; k++) {
      expected.put("2000-01-0" + (7 - k) + " " + (k >= 3 ? "train" : k == 2 ? "valid" : "test"), file.rowsPerLectage().get(k));
    }
    assertEquals(expected, perDay);
  }

  @Test
  void labelRatesAreTheFilesRatingRates() {
    assertEquals(RawMappings.INSTEVAL.labels(), config.get(Keys.TASK_LABELS), "conf/insteval.yaml states the mapping's label rules");
    Row sums = Delta.read(spark, built.tablePath()).selectExpr("sum(label_like)", "sum(label_love)", "count(label_like)").first();
    assertEquals(file.likes(), sums.getLong(0), "like = y >= 4");
    assertEquals(file.loves(), sums.getLong(1), "love = y = 5");
    assertEquals(file.rows(), sums.getLong(2), "no missing label");
  }

  @Test
  void userAndItemVocabulariesHoldEveryTrainStudentAndLecturer() {
    FeatureSchema schema = built.schema();
    assertEquals(file.trainStudents() + 1, schema.field("user_id").cardinality(), "students of lectage 6..3, plus OOV");
    assertEquals(file.trainLecturers() + 1, schema.field("video_id").cardinality(), "lecturers of lectage 6..3, plus OOV");
    assertEquals(List.of("user_id", "video_id", "x_studage", "x_service", "x_dept"),
        schema.fields().stream().map(FeatureSchema.Field::name).toList());
  }

  /**
   * A rating's like-sequence holds exactly the student's liked lecturers of strictly earlier semesters
   * (ratings of the same semester share a timestamp and are excluded), at most max_length of them.
   */
  @Test
  void sequencesHoldOnlyLikesOfEarlierSemesters() {
    Dataset<Row> table = Delta.read(spark, built.tablePath());
    int maxLength = config.get(Keys.FEATURES_SEQUENCE_MAX_LENGTH);
    String itemId = "cat[" + built.schema().fieldIndex("video_id") + "]";
    Dataset<Row> likes = table.where("label_like = 1").select(col("user_id").as("u"), col("time_ms").as("t"), expr(itemId).as("item"));
    Dataset<Row> expected = table.select("user_id", "video_id", "time_ms")
        .join(likes, col("user_id").equalTo(col("u")).and(col("t").lt(col("time_ms"))), "left")
        .groupBy("user_id", "video_id", "time_ms")
        .agg(count("item").as("n"), array_sort(collect_list("item")).as("items"));
    Dataset<Row> compared = table.join(expected, List.of("user_id", "video_id", "time_ms").toArray(String[]::new));
    String sequence = FeatureSchema.sequenceColumn("like", "video_id");
    assertEquals(file.rows(), compared.count());
    assertEquals(0, compared.where("size(" + sequence + ") != least(n, " + maxLength + ")").count(), "length = earlier likes, capped");
    assertEquals(0, compared.where("n <= " + maxLength + " and array_sort(" + sequence + ") != items").count(),
        "the earlier likes themselves");
    assertTrue(compared.where("n > 0").count() > file.rows() / 2, "most ratings have earlier likes");
    // a same-semester event would be 0 minutes old (gap bucket 1); one semester = one day = bucket 11
    int minGap = table.selectExpr("min(array_min(" + FeatureSchema.gapColumn("like") + "))").first().getInt(0);
    assertTrue(minGap >= 11, "youngest sequence event is in an earlier semester, gap bucket " + minGap);
  }
}
