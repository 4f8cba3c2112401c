package io.infnet.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.infnet.model.data.Batch;
import io.infnet.schema.FeatureSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sharded validation: every worker's part, sent over the wire and merged, is one evaluator over all rows, bit for bit. */
class ValidationShardTest {
  private static final List<String> TASKS = List.of("click", "like");
  private static final FeatureSchema SCHEMA = new FeatureSchema(List.of(new FeatureSchema.Field("user_id", 10)), List.of(), TASKS, 0);
  private static final int ROWS = 1001;

  private record Row(Integer[] labels, float[] predictions) {}

  /** Labels with missing ones, predictions on a coarse grid (ties across workers matter for AUC). */
  private static List<Row> rows() {
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Integer[] labels = {random.nextInt(4) == 0 ? null : random.nextInt(2), random.nextInt(2)};
      float[] p = {random.nextInt(50) / 50f + 0.01f, random.nextFloat()};
      rows.add(new Row(labels, p));
    }
    return rows;
  }

  /** Adds {@code rows} in batches of {@code size} to {@code sink}, as an evaluator sees them. */
  private static void inBatches(List<Row> rows, int size, java.util.function.BiConsumer<Batch, float[][]> sink) {
    for (int from = 0; from < rows.size(); from += size) {
      List<Row> part = rows.subList(from, Math.min(rows.size(), from + size));
      Batch batch = new Batch(SCHEMA, size);
      float[][] predictions = new float[part.size()][];
      for (int r = 0; r < part.size(); r++) {
        batch.add(new int[] {r % 10}, new int[0][][], null, part.get(r).labels());
        predictions[r] = part.get(r).predictions();
      }
      sink.accept(batch, predictions);
    }
  }

  private static ValidationShard overTheWire(ValidationShard shard) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      shard.writeTo(out);
    }
    return ValidationShard.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), TASKS.size());
  }

  private static Evaluation sharded(List<Row> rows, int workers) throws IOException {
    List<ValidationShard> parts = new ArrayList<>();
    for (int r = 0; r < workers; r++) {
      List<Row> slice = new ArrayList<>();
      for (int i = r; i < rows.size(); i += workers) slice.add(rows.get(i));
      ValidationShard part = new ValidationShard(TASKS.size());
      inBatches(slice, 64, part::add);
      parts.add(overTheWire(part));
    }
    return ValidationShard.merge(parts, TASKS);
  }

  @Test
  void mergedShardsGiveTheMetricsOfOneEvaluatorOverAllRows() throws IOException {
    List<Row> rows = rows();
    Evaluation one = new Evaluation(TASKS);
    inBatches(rows, 100, one::add);
    for (int workers : new int[] {1, 2, 3, 8}) {
      Evaluation merged = sharded(rows, workers);
      assertEquals(one.auc(), merged.auc(), workers + " workers: AUC");
      assertEquals(one.logloss(), merged.logloss(), workers + " workers: logloss, summed in the same row order");
    }
    List<Row> lessOne = rows.subList(0, ROWS - 1);
    assertNotEquals(one.logloss(), sharded(lessOne, 3).logloss(), "a row missing from the merge shows");
  }
}
