package io.infnet.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import io.infnet.schema.FeatureSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelExportTest {

  @Test
  void exportThenLoadGivesIdenticalPredictions(@TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec("model.share_kv=true");
    Batch batch = Synthetic.batch(spec.schema(), 20, new Random(1));
    try (RankingModel model = Models.create(spec, 11)) {
      InfnetConfig config = InfnetConfig.defaults().with("model.share_kv=true");
      Provenance provenance = new Provenance(config, config.hash(),
          new Provenance.Features("/lake/features/impressions", 7, Map.of("train", 100L), io.infnet.schema.IdEncoding.of(1, "00ff-3", 1, "5ee1")),
          new Provenance.Training("run-1", 2, 40, 3, 2, Map.of("click", 0.75, "like", Double.NaN), "2026-12-02T00:00:00Z", "bf16"),
          Provenance.Code.ofThisJvm("test", "abc123", "4.0.1"));
      ModelExport.save(model, dir, provenance);
      float[][] expected = model.predict(batch);
      try (RankingModel fromDir = ModelExport.load(dir);
           RankingModel fromBytes = ModelExport.load(Files.readAllBytes(dir.resolve("manifest.json")),
               Files.readAllBytes(dir.resolve("model.safetensors")))) {
        assertEquals(spec, fromDir.spec());
        assertEquals(model.parameterCount(), fromBytes.parameterCount());
        float[][] a = fromDir.predict(batch);
        float[][] b = fromBytes.predict(batch);
        for (int r = 0; r < expected.length; r++) {
          assertArrayEquals(expected[r], a[r]);
          assertArrayEquals(expected[r], b[r]);
        }
      }
      ModelManifest manifest = ModelExport.readManifest(dir);
      Provenance back = ModelExport.provenanceOf(Files.readAllBytes(dir.resolve("manifest.json"))).orElseThrow();
      assertEquals("test", back.code().version());
      assertEquals(config, back.config());
      assertEquals(provenance.features(), back.features());
      assertEquals("bf16", back.training().precision(), "the run's train.precision is recorded");
      assertTrue(Double.isNaN(back.training().bestValidAuc().get("like")), "an undefined AUC stays NaN through the manifest");
      assertEquals(model.parameterCount(), manifest.parameterCount());
    }
  }

  @Test
  void tamperedWeightsAreRefused(@TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec();
    try (RankingModel model = Models.create(spec, 12)) {
      ModelExport.save(model, dir, null);
    }
    Path weights = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 3] ^= 0x40;
    Files.write(weights, bytes);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelExport.load(dir));
    assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
  }

  @Test
  void aTrainersWeightsFileIsPublishedByteForByteAndLoadsToTheSameModel(@TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec();
    Batch batch = Synthetic.batch(spec.schema(), 16, new Random(3));
    try (io.infnet.model.NetworkModel model = (io.infnet.model.NetworkModel) Models.create(spec, 21)) {
      byte[] checkpointWeights = model.safetensors(model.weightsByName());
      ModelExport.write(dir, ModelExport.manifest(spec, checkpointWeights, null), checkpointWeights);
      assertArrayEquals(checkpointWeights, Files.readAllBytes(dir.resolve(ModelExport.WEIGHTS_FILE)));
      try (RankingModel loaded = ModelExport.load(dir)) {
        assertEquals(model.parameterCount(), loaded.parameterCount());
        float[][] expected = model.predict(batch);
        float[][] actual = loaded.predict(batch);
        for (int r = 0; r < expected.length; r++) assertArrayEquals(expected[r], actual[r]);
      }
    }
  }

  @Test
  void schemaMismatchIsRefusedNamingTheField(@TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec();
    try (RankingModel model = Models.create(spec, 13)) {
      ModelExport.save(model, dir, null);
    }
    FeatureSchema trained = spec.schema();
    List<FeatureSchema.Field> fields = new ArrayList<>(trained.fields());
    fields.set(trained.fieldIndex("tag"), new FeatureSchema.Field("tag", 9));
    FeatureSchema offered = new FeatureSchema(fields, trained.sequences(), trained.tasks(), trained.gapBuckets());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelExport.load(dir, offered));
    assertTrue(e.getMessage().contains("field 'tag' has cardinality 8 in the model, 9 offered"), e.getMessage());
    FeatureSchema multiValued = Synthetic.schemaWithMultiValuedTag();
    IllegalArgumentException multi = assertThrows(IllegalArgumentException.class, () -> ModelExport.load(dir, multiValued));
    assertTrue(multi.getMessage().contains("field 'tag' has max values 1 in the model, 3 offered"), multi.getMessage());
    try (RankingModel same = ModelExport.load(dir, trained)) {
      assertEquals(spec, same.spec());
    }
  }

  @Test
  void unknownManifestFormatIsRefused(@TempDir Path dir) throws Exception {
    try (RankingModel model = Models.create(Synthetic.spec(), 14)) {
      ModelExport.save(model, dir, null);
    }
    Path manifest = dir.resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replace("infnet-model/1", "infnet-model/99"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelExport.load(dir));
    assertTrue(e.getMessage().contains("infnet-model/99"), e.getMessage());
  }

  @Test
  void safetensorsLayoutIsTheStandardOne() {
    Map<String, SafeTensors.Tensor> tensors = new java.util.LinkedHashMap<>();
    tensors.put("a", new SafeTensors.Tensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
    tensors.put("b", new SafeTensors.Tensor(new long[] {1}, new float[] {-7.5f}));
    byte[] bytes = SafeTensors.write(tensors, Map.of("k", "v"));
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long headerLength = buf.getLong();
    assertEquals(0, headerLength % 8);
    String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(header.contains("\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"), header);
    assertEquals(-7.5f, buf.order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(8 + (int) headerLength + 24));
    SafeTensors.Contents back = SafeTensors.read(bytes);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.tensors().get("a").values());
    assertEquals("v", back.metadata().get("k"));
  }
}
