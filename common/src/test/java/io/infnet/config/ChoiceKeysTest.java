package io.infnet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.choices.ModelType;
import io.infnet.config.choices.OptimizerKind;
import io.infnet.config.choices.Split;
import org.junit.jupiter.api.Test;

/** Choice keys are enums in code and lower-case names in configs, manifests and JSON. */
class ChoiceKeysTest {
  @Test
  void aChoiceParsesItsNameAndWritesItBack() {
    InfnetConfig c = InfnetConfig.defaults().with("model.type=full_attention", "train.optimizer=adamw");
    assertEquals(ModelType.FULL_ATTENTION, c.get(Keys.MODEL_TYPE));
    assertEquals(OptimizerKind.ADAMW, c.get(Keys.TRAIN_OPTIMIZER));
    assertTrue(c.toJson().contains("\"model.type\":\"full_attention\""), c.toJson());
    assertEquals("full_attention", ModelType.FULL_ATTENTION.toString());
  }

  @Test
  void aNameOutsideTheChoiceIsRefusedWithTheAllowedOnes() {
    ConfigException e = assertThrows(ConfigException.class, () -> InfnetConfig.defaults().with("model.type=INFNET"));
    assertTrue(e.getMessage().contains("one of infnet, shared_bottom, mmoe, ple, dcnv2, full_attention"), e.getMessage());
    ConfigException split = assertThrows(ConfigException.class, () -> InfnetConfig.defaults().with("evaluate.split=train"));
    assertTrue(split.getMessage().contains("one of valid, test"), split.getMessage());
    assertEquals(Split.ALL, InfnetConfig.defaults().with("score.split=all").get(Keys.SCORE_SPLIT));
  }
}
