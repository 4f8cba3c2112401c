package io.infnet.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.ConfigKey;
import io.infnet.config.Keys;
import io.infnet.json.Jsons;
import io.infnet.model.ModelOptions;
import io.infnet.model.ModelSpec;
import io.infnet.model.Synthetic;
import io.infnet.schema.IdEncoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelManifestTest {
  @Test
  void roundTripsThroughJsonAsTheSameSpec() {
    ModelSpec spec = Synthetic.spec().with("model.blocks=1", "model.pgu_hidden=48");
    ModelManifest manifest = ModelManifest.of(spec, 123, "ab12", null);
    ModelManifest back = ModelManifest.parse(manifest.toJson());
    assertEquals(manifest, back);
    assertEquals(spec, back.spec());
    assertFalse(new String(manifest.toJson(), StandardCharsets.UTF_8).contains("provenance"), "no provenance: the field is absent");
  }

  /** Every model.* key of Keys is in the manifest's model section: a new key needs no second declaration. */
  @Test
  void theModelSectionHoldsEveryArchitectureKeyOfKeys() {
    List<String> expected = new ArrayList<>();
    for (ConfigKey<?> k : Keys.all()) if (k.name().startsWith("model.")) expected.add(k.name());
    expected.add(Keys.TASKS.name());
    expected.add(Keys.TASK_WEIGHTS.name());
    List<String> written = new ArrayList<>(Synthetic.spec().toPlain().keySet());
    assertEquals(expected.stream().sorted().toList(), written.stream().sorted().toList());
    assertEquals(ModelOptions.KEYS.size(), written.size());
  }

  /** A manifest as the hand-written writer made it before: provenance {}, no model.input_norm, no max_values. */
  @Test
  void readsManifestsWrittenBeforeTheRecord() {
    String schema = "{\"fields\":[{\"name\":\"user_id\",\"cardinality\":10},{\"name\":\"video_id\",\"cardinality\":20}],"
        + "\"sequences\":[],\"tasks\":[\"click\"],\"gap_buckets\":0}";
    String old = "{\"format\":\"infnet-model/1\",\"model\":{\"model.type\":\"infnet\",\"model.dim\":8,\"model.heads\":2,"
        + "\"tasks.names\":[\"click\"],\"tasks.weights\":{\"click\":1.0}},\"feature_schema\":" + schema
        + ",\"parameter_count\":5,\"weights_file\":\"model.safetensors\",\"weights_sha256\":\"00\","
        + "\"dead_last_block_parts\":\"omitted\",\"provenance\":{}}";
    ModelManifest m = ModelManifest.parse(old.getBytes(StandardCharsets.UTF_8));
    assertTrue(m.recordedProvenance().isEmpty());
    assertFalse(m.spec().inputNorm(), "exported before model.input_norm existed: no input norms");
    assertEquals(8, m.spec().dim());
    assertEquals(1, m.featureSchema().field("video_id").maxValues());
    assertEquals(List.of(1.0), m.spec().taskWeights());
  }

  /** Provenance written before the id encoding was recorded held the vocabulary's hash alone: it is still checked. */
  @Test
  void readsTheVocabularyHashOfOlderProvenanceAsAnEncodingAndWritesTheEncoding() {
    String legacy = "{\"path\":\"/lake/features/impressions\",\"delta_version\":4,\"rows\":{\"train\":10},"
        + "\"vocabulary_fingerprint\":\"00aa-10\"}";
    Provenance.Features old = Jsons.read(legacy, Provenance.Features.class, "features");
    assertEquals(IdEncoding.ofLegacyFingerprint("00aa-10"), old.encoding());

    Provenance.Features now = new Provenance.Features("/lake/features/impressions", 4, Map.of("train", 10L),
        IdEncoding.of(2, "00aa-10", 3, "5ee1"));
    String json = Jsons.write(now);
    assertTrue(json.contains("\"encoding\":{\"vocabulary\":{\"delta_version\":2,\"content_hash\":\"00aa-10\"}"), json);
    assertEquals(now, Jsons.read(json, Provenance.Features.class, "features"));
  }

  @Test
  void refusesAnotherFormat() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelManifest.parse("{\"format\":\"infnet-model/2\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("newer format version, 'infnet-model/2'; this build reads up to 'infnet-model/1'"), e.getMessage());
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> ModelManifest.parse("{\"format\":\"onnx\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(other.getMessage().contains("unsupported model manifest format 'onnx'"), other.getMessage());
  }
}
