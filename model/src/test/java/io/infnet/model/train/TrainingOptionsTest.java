package io.infnet.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.infnet.config.InfnetConfig;
import io.infnet.config.choices.EmbeddingUpdate;
import io.infnet.config.choices.LrSchedule;
import io.infnet.config.choices.OptimizerKind;
import io.infnet.config.choices.Precision;
import org.junit.jupiter.api.Test;

class TrainingOptionsTest {
  @Test
  void warmsUpLinearlyThenDecaysByCosineToZero() {
    TrainingOptions o = TrainingOptions.from(InfnetConfig.defaults().with("train.learning_rate=0.1", "train.warmup_steps=10",
        "train.max_steps=110"));
    assertEquals(0.01, o.learningRateAt(0), 1e-12);
    assertEquals(0.1, o.learningRateAt(9), 1e-12);
    assertEquals(0.1, o.learningRateAt(10), 1e-12);
    assertEquals(0.05, o.learningRateAt(60), 1e-12);
    assertEquals(0.0, o.learningRateAt(110), 1e-12);
    assertEquals(0.0, o.learningRateAt(500), 1e-12);
  }

  @Test
  void constantScheduleAndUnknownHorizonKeepThePeak() {
    TrainingOptions constant = TrainingOptions.from(InfnetConfig.defaults().with("train.lr_schedule=constant", "train.warmup_steps=0",
        "train.max_steps=100"));
    assertEquals(constant.learningRate(), constant.learningRateAt(99), 0);
    TrainingOptions unknown = TrainingOptions.from(InfnetConfig.defaults().with("train.warmup_steps=0"));
    assertEquals(0, unknown.totalSteps());
    assertEquals(unknown.learningRate(), unknown.learningRateAt(1000), 0);
    assertEquals(unknown.learningRate() / 2, unknown.withTotalSteps(2000).learningRateAt(1000), 1e-12);
  }

  @Test
  void readsEveryTrainKey() {
    TrainingOptions o = TrainingOptions.from(InfnetConfig.defaults().with("train.optimizer=adagrad", "train.weight_decay=0.5",
        "train.grad_clip_norm=2", "train.patience=3", "train.epochs=4", "train.seed=9", "train.threads=2", "train.precision=bf16",
        "train.embedding_update=rows"));
    assertEquals(new TrainingOptions(OptimizerKind.ADAGRAD, 0.002, 50, LrSchedule.COSINE, 0.5, 2.0, 3, 4, 0, 0, 9, 2,
        EmbeddingUpdate.ROWS, Precision.BF16), o);
  }
}
