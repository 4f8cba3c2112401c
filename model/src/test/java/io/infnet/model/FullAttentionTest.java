package io.infnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.model.data.Batch;
import io.infnet.model.nn.FeatureTokens;
import io.infnet.model.train.StepResult;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FullAttentionTest {
  private static final ModelSpec SPEC = Synthetic.spec("model.type=full_attention");

  @Test
  void predictsOneProbabilityPerRowAndTask() {
    try (RankingModel model = Models.create(SPEC, 1)) {
      float[][] p = model.predict(Synthetic.batch(SPEC.schema(), 13, new Random(1)));
      assertEquals(13, p.length);
      for (float[] row : p) {
        assertEquals(SPEC.taskCount(), row.length);
        for (float v : row) assertTrue(v > 0 && v < 1, "probability " + v);
      }
    }
  }

  @Test
  void parameterCountIsTokensTaskTokensAttentionBlocksAndTowers() {
    long d = SPEC.dim();
    long k = SPEC.taskCount();
    long hidden = SPEC.towerHidden();
    long tokens = new FeatureTokens(SPEC).namedParameters().values().stream().mapToLong(p -> p.shape().size()).sum();
    long block = (4 * d * d + 3 * d) + 2 * d; // Q, K, V, output (K without bias) + LayerNorm
    long towers = k * (d * hidden + hidden + hidden + 1);
    try (RankingModel model = Models.create(SPEC, 1)) {
      assertEquals(tokens + k * d + SPEC.blocks() * block + towers, model.parameterCount());
    }
  }

  @Test
  void trainingStepsLowerTheLoss() {
    Batch batch = Synthetic.batch(SPEC.schema(), 64, new Random(2));
    TrainingOptions options = TrainingOptions.from(InfnetConfig.defaults().with("train.learning_rate=0.01", "train.threads=1"));
    try (RankingModel model = Models.create(SPEC, 1); Trainer trainer = new Trainer(model, options)) {
      StepResult first = trainer.step(batch);
      StepResult later = first;
      for (int i = 0; i < 10; i++) later = trainer.step(batch);
      assertTrue(Double.isFinite(first.loss()), "loss " + first.loss());
      assertTrue(later.loss() < first.loss(), first.loss() + " -> " + later.loss());
    }
  }
}
