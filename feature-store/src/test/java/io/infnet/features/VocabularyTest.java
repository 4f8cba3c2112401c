package io.infnet.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class VocabularyTest {
  private static final StructType SCHEMA = new StructType().add("color", DataTypes.StringType).add("split", DataTypes.StringType);

  @Test
  void fittedOnTrainOnlyWithMinCountAndDeterministicIndices() {
    SparkSession spark = SparkTestSupport.spark();
    List<Row> rows = new ArrayList<>();
    for (String c : List.of("red", "red", "red", "green", "green", "blue", "blue", "gray")) rows.add(RowFactory.create(c, "train"));
    rows.add(RowFactory.create(null, "train"));
    for (int i = 0; i < 5; i++) rows.add(RowFactory.create("purple", "test")); // frequent, but only outside train
    Dataset<Row> all = spark.createDataFrame(rows, SCHEMA);

    Vocabulary vocabulary = Vocabulary.fit(all.where("split = 'train'"), List.of("color"), List.of(), 2);
    // red (3), then blue and green (2 each, by value); gray (1) is below min_count; 0 = missing/OOV
    assertEquals(4, vocabulary.cardinality("color"));
    Map<String, Integer> ids = new HashMap<>();
    for (Row r : vocabulary.encode(all, List.of("color"), List.of()).select("color", Vocabulary.idColumn("color")).distinct().collectAsList()) {
      ids.put(r.getString(0), r.getInt(1));
    }
    assertEquals(Map.of("red", 1, "blue", 2, "green", 3, "gray", 0, "purple", 0), withoutNull(ids));
    assertEquals(0, ids.get(null));
  }

  @Test
  void theFingerprintNamesTheIdAssignmentNotTheFit(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    SparkSession spark = SparkTestSupport.spark();
    List<Row> rows = new ArrayList<>();
    for (String c : List.of("red", "red", "green", "blue")) rows.add(RowFactory.create(c, "train"));
    Vocabulary a = Vocabulary.fit(spark.createDataFrame(rows, SCHEMA), List.of("color"), List.of(), 1);
    Vocabulary again = Vocabulary.fit(spark.createDataFrame(rows, SCHEMA), List.of("color"), List.of(), 1);
    assertEquals(a.fingerprint(), again.fingerprint(), "same rows, same ids: same fingerprint");
    String path = dir.resolve("vocabulary").toString();
    long version = a.save(path);
    assertEquals(a.fingerprint(), Vocabulary.load(spark, path, version, List.of("color")).fingerprint(), "a frozen (stored) vocabulary keeps it");
    assertEquals(version + 1, again.save(path), "each save is a new Delta version");
    assertEquals(a.fingerprint(), Vocabulary.load(spark, path, version, List.of("color")).fingerprint(), "an older version by time travel");
    rows.add(RowFactory.create("blue", "train")); // blue now outranks green: the ids change
    Vocabulary other = Vocabulary.fit(spark.createDataFrame(rows, SCHEMA), List.of("color"), List.of(), 1);
    org.junit.jupiter.api.Assertions.assertNotEquals(a.fingerprint(), other.fingerprint());
  }

  private static Map<String, Integer> withoutNull(Map<String, Integer> ids) {
    Map<String, Integer> copy = new HashMap<>(ids);
    copy.remove(null);
    return copy;
  }
}
