package io.infnet.jobs.promote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.jobs.promote.PromotionGate.Comparison;
import io.infnet.jobs.promote.PromotionGate.TaskComparison;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gate's rule on measured AUCs, without Spark: what blocks a candidate and what does not. */
class PromotionGateTest {
  private static Optional<String> refusal(TaskComparison... tasks) {
    return PromotionGate.refusal(new Comparison("/lake/features/impressions", 3, "test", 0.002, List.of(tasks)));
  }

  @Test
  void aDropUpToTheThresholdPassesAndOneBeyondItIsRefusedNamingTheTask() {
    assertEquals(Optional.empty(), refusal(new TaskComparison("click", 100, 0.7000, 0.6980), new TaskComparison("like", 100, 0.6, 0.65)));
    Optional<String> refused = refusal(new TaskComparison("click", 100, 0.7000, 0.6975), new TaskComparison("like", 100, 0.6, 0.65));
    assertEquals(Optional.of("AUC drops by more than promote.max_auc_drop=0.002: click 0.7000 -> 0.6975 (drop 0.0025)"), refused);
  }

  @Test
  void aCandidateWithoutAHeadForAProductionTaskIsRefused() {
    Optional<String> refused = refusal(new TaskComparison("click", 100, 0.7, 0.71), new TaskComparison("like", 100, 0.6, Double.NaN));
    assertTrue(refused.orElseThrow().endsWith("like has no head in the candidate"), refused.get());
  }

  @Test
  void anUndefinedAucBlocksNothingButNothingComparableIsRefused() {
    assertEquals(Optional.empty(), refusal(new TaskComparison("click", 100, 0.7, 0.7), new TaskComparison("like", 100, Double.NaN, Double.NaN)));
    assertEquals(Optional.of("no task has both label classes on the test split: nothing to compare"),
        refusal(new TaskComparison("like", 100, Double.NaN, Double.NaN)));
  }
}
