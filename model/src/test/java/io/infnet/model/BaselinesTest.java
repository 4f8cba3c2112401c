package io.infnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.InfnetConfig;
import io.infnet.model.data.Batch;
import io.infnet.model.io.ModelExport;
import io.infnet.model.train.Trainer;
import io.infnet.model.train.TrainingLoop;
import io.infnet.model.train.TrainingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BaselinesTest {

  @ParameterizedTest
  @CsvSource({"shared_bottom,din", "mmoe,din", "ple,mean", "dcnv2,din", "mmoe,mean"})
  void baselineLearnsThePlantedSignalAndRoundTrips(String type, String pooling, @TempDir Path dir) throws Exception {
    ModelSpec spec = Synthetic.spec("model.type=" + type, "model.sequence_pooling=" + pooling, "model.experts=2", "model.cross_layers=2");
    Random random = new Random(3);
    List<Batch> train = new ArrayList<>();
    for (int i = 0; i < 30; i++) train.add(Synthetic.batch(spec.schema(), 128, random));
    Batch valid = Synthetic.batch(spec.schema(), 512, random);
    TrainingOptions options = TrainingOptions.from(InfnetConfig.defaults().with("train.learning_rate=0.01", "train.threads=1"));
    try (RankingModel model = Models.create(spec, 1); Trainer trainer = new Trainer(model, options)) {
      float[][] before = model.predict(valid);
      for (int epoch = 0; epoch < 4; epoch++) for (Batch b : train) trainer.step(b);
      Map<String, Double> auc = TrainingLoop.evaluate(model, List.of(valid).iterator()).auc();
      auc.forEach((task, v) -> assertTrue(v > 0.8, type + " AUC of " + task + " = " + v));
      for (float[] row : before) for (float p : row) assertTrue(p > 0 && p < 1);

      // padding contents never matter
      float[][] expected = model.predict(valid);
      for (int s = 0; s < spec.schema().sequences().size(); s++) {
        int width = spec.schema().sequences().get(s).fields().size();
        int maxLength = spec.schema().sequences().get(s).maxLength();
        for (int r = 0; r < valid.size(); r++) {
          for (int p = valid.sequenceLengths(s)[r]; p < maxLength; p++) valid.sequenceIds(s)[(r * maxLength + p) * width] = 1;
        }
      }
      float[][] padded = model.predict(valid);
      for (int r = 0; r < expected.length; r++) assertArrayEquals(expected[r], padded[r]);

      ModelExport.save(model, dir, null);
      try (RankingModel loaded = ModelExport.load(dir)) {
        float[][] again = loaded.predict(valid);
        for (int r = 0; r < expected.length; r++) assertArrayEquals(expected[r], again[r]);
      }
    }
  }
}
