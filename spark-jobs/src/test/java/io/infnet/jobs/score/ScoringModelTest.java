package io.infnet.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.model.io.Provenance;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScoringModelTest {
  private static Optional<Provenance> trainedOn(String fingerprint) {
    InfnetConfig c = InfnetConfig.defaults();
    return Optional.of(new Provenance(c, c.hash(), new Provenance.Features("/lake/features/impressions", 4, Map.of(), fingerprint),
        null, Provenance.Code.ofThisJvm("dev", "unknown", "4.0.1")));
  }

  @Test
  void aModelIsRefusedOnATableEncodedWithAnotherVocabulary() {
    Optional<String> problem = ScoringModel.vocabularyMismatch(trainedOn("00aa-10"), "00bb-12");
    assertTrue(problem.isPresent());
    assertTrue(problem.get().contains("vocabulary 00aa-10 (feature table /lake/features/impressions at Delta version 4)")
        && problem.get().contains("the table's from vocabulary 00bb-12") && problem.get().contains("features.freeze_vocabulary=true"),
        problem.get());
  }

  @Test
  void theSameVocabularyOrAnUnrecordedOnePasses() {
    assertEquals(Optional.empty(), ScoringModel.vocabularyMismatch(trainedOn("00aa-10"), "00aa-10"));
    assertEquals(Optional.empty(), ScoringModel.vocabularyMismatch(trainedOn(""), "00bb-12"), "model from before fingerprints");
    assertEquals(Optional.empty(), ScoringModel.vocabularyMismatch(trainedOn("00aa-10"), ""), "table from before fingerprints");
    assertEquals(Optional.empty(), ScoringModel.vocabularyMismatch(Optional.empty(), "00bb-12"), "model without provenance");
  }
}
