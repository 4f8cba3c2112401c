package io.infnet.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.RankingModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import io.infnet.model.io.SafeTensors;
import io.infnet.model.nn.Module.NamedParameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** train.embedding_update = rows against the dense path (the reference) on the same model, batches and seed. */
class RowWiseUpdateTest {
  private static final double TOLERANCE = 2e-5;

  /**
   * Every step reads the same rows (one batch, repeated): lazy Adam is then dense Adam, since a row no step reads has
   * zero gradient and zero moments in both. Covers the offset table read by fields, sequences and gaps, and per-field
   * tables with a multi-valued field (several lookups of one table in a pass), with the global-norm clip acting.
   */
  @ParameterizedTest
  @ValueSource(strings = {"offset", "per_field"})
  void adamByRowsFollowsDenseAdamOnRowsTouchedEveryStep(String layout, @TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec(Synthetic.schemaWithMultiValuedTag(), "model.embedding_layout=" + layout);
    Batch batch = TrainerTest.batches(spec, 1, 16, 41).get(0);
    List<Batch> sameRows = Collections.nCopies(5, batch);
    Run dense = train(spec, sameRows, dir.resolve("dense"), "train.embedding_update=dense", "train.grad_clip_norm=0.05");
    Run rows = train(spec, sameRows, dir.resolve("rows"), "train.embedding_update=rows", "train.grad_clip_norm=0.05");

    assertClose(dense.losses(), rows.losses(), "losses");
    assertClose(dense.gradientNorms(), rows.gradientNorms(), "gradient norms before clipping");
    assertTrue(rows.gradientNorms()[0] > 0.05, "the clip must act for the test to check it: norm " + rows.gradientNorms()[0]);
    dense.weights().forEach((name, w) -> assertClose(w, rows.weights().get(name), name));
    dense.state().forEach((name, s) -> assertClose(s, rows.state().get(name), name));

    int untouched = 0;
    for (String table : tables(spec)) {
      float[] before = dense.initial().get(table);
      int width = spec.dim();
      for (int r = 0; r < before.length / width; r++) {
        if (!rowEquals(before, dense.weights().get(table), r, width)) continue; // the reference did not move it: not read
        untouched++;
        assertTrue(rowEquals(before, rows.weights().get(table), r, width), table + " row " + r + " was never read but moved");
        for (String slot : List.of("m/", "v/")) {
          assertTrue(rowEquals(new float[before.length], rows.state().get(slot + table), r, width), slot + table + " row " + r);
        }
      }
    }
    assertTrue(untouched > 0, "16 rows cannot read every user id: some rows must be untouched");
  }

  /** Adagrad gives an untouched row a zero step and a zero added sum: row-wise equals dense on any batches. */
  @Test
  void adagradByRowsEqualsDenseOnAnyBatches(@TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec();
    List<Batch> batches = TrainerTest.batches(spec, 6, 16, 43);
    Run dense = train(spec, batches, dir.resolve("dense"), "train.optimizer=adagrad", "train.embedding_update=dense");
    Run rows = train(spec, batches, dir.resolve("rows"), "train.optimizer=adagrad", "train.embedding_update=rows");
    assertClose(dense.losses(), rows.losses(), "losses");
    dense.weights().forEach((name, w) -> assertClose(w, rows.weights().get(name), name));
    dense.state().forEach((name, s) -> assertClose(s, rows.state().get(name), name));
  }

  /**
   * Lazy Adam: a step leaves the rows its batch does not read exactly as they were, weights and both moments, where
   * dense Adam moves them by their momentum. The rows it reads, and their host gradient (straight from the U×d rows),
   * are the dense path's.
   */
  @Test
  void lazyAdamLeavesTheRowsAStepDoesNotReadAsTheyWere(@TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec();
    List<Batch> batches = TrainerTest.batches(spec, 2, 16, 47);
    String table = tables(spec).stream().filter(t -> t.endsWith("embedding.table")).findFirst().orElseThrow(); // the offset table
    int width = spec.dim();
    try (RankingModel denseModel = Models.create(spec, 5); RankingModel rowsModel = Models.create(spec, 5);
         Trainer dense = new Trainer(denseModel, TrainerTest.options("train.embedding_update=dense"));
         Trainer rows = new Trainer(rowsModel, TrainerTest.options("train.embedding_update=rows"))) {
      dense.step(batches.get(0));
      rows.step(batches.get(0));
      Map<String, float[]> afterFirst = state(rows, dir.resolve("first"));
      float[] weightsAfterFirst = ((NetworkModel) rowsModel).weightsByName().get(table);

      dense.computeGradients(batches.get(1));
      rows.computeGradients(batches.get(1));
      Gradients.Tensor denseGradient = dense.gradients().get(table);
      Gradients.Tensor rowsGradient = rows.gradients().get(table);
      Set<Integer> read = new TreeSet<>();
      for (int r : rowsGradient.rows()) read.add(r);
      for (int r : Gradients.Tensor.sparseOf(table, denseGradient.shape(), denseGradient.dense()).rows()) {
        assertTrue(read.contains(r), "row " + r + " has a gradient but is not among the rows read"); // read rows may sum to 0
      }
      assertClose(denseGradient.dense(), rowsGradient.dense(), "gradient of " + table);
      dense.applyUpdate(dense.gradients());
      rows.applyUpdate(rows.gradients());

      Map<String, float[]> afterSecond = state(rows, dir.resolve("second"));
      float[] rowsWeights = ((NetworkModel) rowsModel).weightsByName().get(table);
      float[] denseWeights = ((NetworkModel) denseModel).weightsByName().get(table);
      int movedByDense = 0;
      for (int r = 0; r < rowsWeights.length / width; r++) {
        if (read.contains(r)) {
          assertClose(slice(denseWeights, r, width), slice(rowsWeights, r, width), table + " row " + r + " (read)");
          continue;
        }
        assertTrue(rowEquals(weightsAfterFirst, rowsWeights, r, width), table + " row " + r + " (not read) moved");
        for (String slot : List.of("m/", "v/")) {
          assertTrue(rowEquals(afterFirst.get(slot + table), afterSecond.get(slot + table), r, width), slot + table + " row " + r + " changed");
        }
        if (!rowEquals(weightsAfterFirst, denseWeights, r, width)) movedByDense++;
      }
      assertTrue(movedByDense > 0, "dense Adam moves rows read at step 1 only: the lazy rule must differ from it somewhere");
    }
  }

  /** A worker of a data-parallel run applies the all-reduced host form: same update as the device path. */
  @Test
  void hostRowGradientsUpdateAsTheDeviceOnesDo() {
    ModelSpec spec = Synthetic.spec();
    List<Batch> batches = TrainerTest.batches(spec, 3, 16, 53);
    try (RankingModel a = Models.create(spec, 6); RankingModel b = Models.create(spec, 6);
         Trainer device = new Trainer(a, TrainerTest.options("train.embedding_update=rows"));
         Trainer host = new Trainer(b, TrainerTest.options("train.embedding_update=rows"))) {
      for (Batch batch : batches) {
        device.step(batch);
        host.computeGradients(batch);
        host.applyUpdate(Gradients.fromBytes(host.gradients().toBytes()));
      }
      Map<String, float[]> expected = ((NetworkModel) a).weightsByName();
      ((NetworkModel) b).weightsByName().forEach((name, w) -> assertArrayEquals(expected.get(name), w, 1e-7f, name));
      host.checkDevicePlacement();
    }
  }

  @Test
  void rowWiseStepsLeaveNoArraysBehind() {
    ModelSpec spec = Synthetic.spec(Synthetic.schemaWithMultiValuedTag());
    List<Batch> batches = TrainerTest.batches(spec, 3, 16, 59);
    try (RankingModel model = Models.create(spec, 8); Trainer trainer = new Trainer(model, TrainerTest.options("train.embedding_update=rows"))) {
      ai.djl.ndarray.NDManager manager = ((NetworkModel) model).manager();
      trainer.step(batches.get(0));
      int before = manager.getManagedArrays().size();
      for (int i = 0; i < 6; i++) trainer.step(batches.get(i % 3));
      assertEquals(before, manager.getManagedArrays().size());
    }
  }

  private record Run(double[] losses, double[] gradientNorms, Map<String, float[]> initial, Map<String, float[]> weights,
      Map<String, float[]> state) {}

  private static Run train(ModelSpec spec, List<Batch> batches, Path dir, String... options) throws Exception {
    try (RankingModel model = Models.create(spec, 5); Trainer trainer = new Trainer(model, TrainerTest.options(options))) {
      Map<String, float[]> initial = ((NetworkModel) model).weightsByName();
      double[] losses = new double[batches.size()];
      double[] norms = new double[batches.size()];
      for (int i = 0; i < losses.length; i++) {
        losses[i] = trainer.step(batches.get(i)).loss();
        norms[i] = trainer.lastGradientNorm();
      }
      return new Run(losses, norms, initial, ((NetworkModel) model).weightsByName(), state(trainer, dir));
    }
  }

  /** The optimizer state as a checkpoint writes it (the format the row-wise path must keep). */
  private static Map<String, float[]> state(Trainer trainer, Path dir) throws Exception {
    trainer.saveCheckpoint(dir);
    Map<String, float[]> out = new TreeMap<>();
    SafeTensors.read(Files.readAllBytes(dir.resolve("optimizer.safetensors"))).tensors().forEach((name, t) -> out.put(name, t.values()));
    return out;
  }

  private static List<String> tables(ModelSpec spec) {
    try (RankingModel model = Models.create(spec, 5)) {
      List<String> out = new ArrayList<>();
      for (NamedParameter p : ((NetworkModel) model).parameters().values()) if (p.rowSparse()) out.add(p.name());
      return out;
    }
  }

  private static boolean rowEquals(float[] a, float[] b, int row, int width) {
    return java.util.Arrays.equals(slice(a, row, width), slice(b, row, width));
  }

  private static float[] slice(float[] values, int row, int width) {
    return java.util.Arrays.copyOfRange(values, row * width, (row + 1) * width);
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
    }
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertFalse(actual == null, what + " missing");
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
    }
  }
}
