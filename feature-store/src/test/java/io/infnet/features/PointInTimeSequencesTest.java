package io.infnet.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.infnet.features.PointInTimeSequences.Behaviour;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Crafted histories: a sequence may only hold events strictly before the impression. */
class PointInTimeSequencesTest {
  private static final long MINUTE = 60_000L;
  private static final StructType INPUT = new StructType()
      .add("user_id", DataTypes.LongType).add("time_ms", DataTypes.LongType)
      .add("cat", DataTypes.createArrayType(DataTypes.IntegerType)).add("label_click", DataTypes.IntegerType);

  /** cat = [item id, author id]; the item id names the impression in the assertions. */
  private static Row impression(long user, long time, int item, int author, Integer clicked) {
    return RowFactory.create(user, time, List.of(item, author), clicked);
  }

  @Test
  void onlyStrictlyEarlierEventsMostRecentFirstTruncated() {
    List<Row> rows = List.of(
        impression(1, 0, 10, 100, 1),
        impression(1, MINUTE, 11, 101, 1),
        impression(1, MINUTE, 12, 102, 0),           // same millisecond as item 11: must not see it
        impression(1, 4 * MINUTE, 13, 103, 1),
        impression(1, 4 * MINUTE + 1, 14, 104, null), // unknown label: not an event
        impression(1, 100_000 * MINUTE, 15, 105, 1),
        impression(2, 5 * MINUTE, 20, 200, 0));       // another user: no history from user 1
    // Shuffled input: the builder must sort by time itself.
    List<Row> shuffled = new ArrayList<>(rows);
    java.util.Collections.reverse(shuffled);
    Dataset<Row> input = SparkTestSupport.spark().createDataFrame(shuffled, INPUT).repartition(3);
    PointInTimeSequences sequences = new PointInTimeSequences(
        List.of(new Behaviour("click", "label_click", List.of("video_id", "author_id"), new int[] {0, 1})), 2, 12);
    assertEquals(List.of("seq_click__video_id", "seq_click__author_id", "seq_click__gap"), sequences.outputColumns());

    Map<Integer, Row> byItem = new HashMap<>();
    for (Row r : sequences.append(SparkTestSupport.spark(), input).collectAsList()) {
      byItem.put(r.<Integer>getList(2).get(0), r);
    }
    assertEquals(rows.size(), byItem.size());
    assertSequence(byItem.get(10), List.of(), List.of(), List.of());
    assertSequence(byItem.get(11), List.of(10), List.of(100), List.of(2));   // 1 minute: 1 + floor(log2 2)
    assertSequence(byItem.get(12), List.of(10), List.of(100), List.of(2));   // item 11 (same ms) excluded
    assertSequence(byItem.get(13), List.of(11, 10), List.of(101, 100), List.of(3, 3)); // 3 and 4 min: 1 + 2
    assertSequence(byItem.get(14), List.of(13, 11), List.of(103, 101), List.of(1, 3)); // truncated to 2
    assertSequence(byItem.get(15), List.of(13, 11), List.of(103, 101), List.of(12, 12)); // gap capped
    assertSequence(byItem.get(20), List.of(), List.of(), List.of());
  }

  @Test
  void gapBucketIsOnePlusFloorLog2OfOnePlusMinutes() {
    assertEquals(1, PointInTimeSequences.gapBucket(0, 12));
    assertEquals(1, PointInTimeSequences.gapBucket(MINUTE - 1, 12));
    assertEquals(2, PointInTimeSequences.gapBucket(MINUTE, 12));
    assertEquals(2, PointInTimeSequences.gapBucket(2 * MINUTE + 59_999, 12));
    assertEquals(3, PointInTimeSequences.gapBucket(3 * MINUTE, 12));
    assertEquals(4, PointInTimeSequences.gapBucket(7 * MINUTE, 12));
    assertEquals(12, PointInTimeSequences.gapBucket(365 * 24 * 60 * MINUTE, 12));
  }

  private static void assertSequence(Row r, List<Integer> items, List<Integer> authors, List<Integer> gaps) {
    assertEquals(items, r.getList(4), "items of " + r);
    assertEquals(authors, r.getList(5), "authors of " + r);
    assertEquals(gaps, r.getList(6), "gaps of " + r);
  }
}
