package io.infnet.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.model.io.Provenance;
import io.infnet.schema.IdEncoding;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScoringModelTest {
  private static final IdEncoding TRAINED_ON = IdEncoding.of(2, "00aa-10", 2, "5ee1");

  private static Optional<Provenance> trainedOn(IdEncoding encoding) {
    InfnetConfig c = InfnetConfig.defaults();
    return Optional.of(new Provenance(c, c.hash(), new Provenance.Features("/lake/features/impressions", 4, Map.of(), encoding),
        null, Provenance.Code.ofThisJvm("dev", "unknown", "4.0.1")));
  }

  @Test
  void aModelIsRefusedOnRowsEncodedWithAnotherVocabularyNamingBothVersions() {
    Optional<String> problem = ScoringModel.encodingMismatch(trainedOn(TRAINED_ON), IdEncoding.of(5, "00bb-10", 5, "5ee1"));
    assertTrue(problem.isPresent());
    assertTrue(problem.get().startsWith("the model's ids come from the vocabulary at Delta version 2 (hash 00aa-10), the rows' from "
        + "Delta version 5 (hash 00bb-10) (the model was trained on /lake/features/impressions at Delta version 4)"), problem.get());
    assertTrue(problem.get().contains("features.freeze_vocabulary=true"), problem.get());
    assertTrue(!problem.get().contains("bucket splits"), "equal splits are not a difference: " + problem.get());
  }

  @Test
  void otherBucketSplitsAreRefusedToo() {
    Optional<String> problem = ScoringModel.encodingMismatch(trainedOn(TRAINED_ON), IdEncoding.of(2, "00aa-10", 3, "7a7a"));
    assertTrue(problem.orElseThrow().startsWith("the model's ids come from the bucket splits at Delta version 2 (hash 5ee1), "
        + "the rows' from Delta version 3 (hash 7a7a)"), problem.get());
  }

  @Test
  void equalContentAtAnotherVersionOrAnUnrecordedSidePasses() {
    assertEquals(Optional.empty(), ScoringModel.encodingMismatch(trainedOn(TRAINED_ON), IdEncoding.of(7, "00aa-10", 8, "5ee1")),
        "a refit on the same rows writes a new version with the same ids");
    assertEquals(Optional.empty(), ScoringModel.encodingMismatch(trainedOn(IdEncoding.UNRECORDED), TRAINED_ON), "model from before");
    assertEquals(Optional.empty(), ScoringModel.encodingMismatch(trainedOn(TRAINED_ON), IdEncoding.UNRECORDED), "table from before");
    assertEquals(Optional.empty(), ScoringModel.encodingMismatch(Optional.empty(), TRAINED_ON), "model without provenance");
  }

  @Test
  void aModelThatRecordedOnlyTheVocabularyHashIsStillChecked() {
    Optional<String> problem = ScoringModel.encodingMismatch(trainedOn(IdEncoding.ofLegacyFingerprint("00aa-10")), TRAINED_ON);
    assertEquals(Optional.empty(), problem, "same vocabulary hash");
    assertTrue(ScoringModel.encodingMismatch(trainedOn(IdEncoding.ofLegacyFingerprint("00cc-10")), TRAINED_ON).orElseThrow()
        .contains("vocabulary at an unrecorded Delta version (hash 00cc-10), the rows' from Delta version 2 (hash 00aa-10)"));
  }
}
