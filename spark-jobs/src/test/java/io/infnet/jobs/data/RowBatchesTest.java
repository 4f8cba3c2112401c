package io.infnet.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.infnet.model.data.Batch;
import io.infnet.schema.FeatureSchema;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class RowBatchesTest {
  private static final FeatureSchema SCHEMA = new FeatureSchema(
      List.of(new FeatureSchema.Field("video_id", 10), new FeatureSchema.Field("tag", 6, 3)),
      List.of(new FeatureSchema.Sequence("click", 4, List.of("video_id", "tag"))), List.of("click"), 0);

  @Test
  void multiValuedColumnFollowsCatAndFillsThePaddedValueList() {
    RowBatches batches = new RowBatches(SCHEMA, false);
    assertEquals(List.of("cat", "multi_tag", "seq_click__video_id", "seq_click__tag", "label_click"), batches.columns());
    Batch batch = batches.newBatch(2);
    batches.add(batch, RowFactory.create(ints(3, 2), ints(2, 5, 1), ints(7), ints(4), 1));
    batches.add(batch, RowFactory.create(ints(4, 0), ints(), ints(), ints(), 0));
    assertArrayEquals(new int[] {2, 5, 1, 0, 0, 0}, batch.multiValuedIds(0));
    assertArrayEquals(new int[] {3, 0}, Arrays.copyOf(batch.multiValuedCounts(0), 2));
    assertArrayEquals(new int[] {3, 2, 4, 0}, Arrays.copyOf(batch.categoricalIds(), 4));
  }

  private static Object ints(Integer... values) {
    return CollectionConverters.asScala(List.of(values)).toSeq();
  }
}
