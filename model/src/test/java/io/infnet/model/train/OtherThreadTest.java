package io.infnet.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.RankingModel;
import io.infnet.model.Synthetic;
import io.infnet.model.data.Batch;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Spark runs tasks on pool threads: PyTorch's grad mode is per thread and defaults to on outside the init thread. */
class OtherThreadTest {
  @Test
  void trainsAndPredictsOnAThreadOtherThanTheEngineInitThread() throws Exception {
    ModelSpec spec = Synthetic.spec();
    List<Batch> train = TrainerTest.batches(spec, 3, 32, 61);
    float[][] expected;
    try (RankingModel model = Models.create(spec, 2); Trainer trainer = new Trainer(model, TrainerTest.options())) {
      for (Batch b : train) trainer.step(b);
      expected = model.predict(train.get(0));
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<float[][]> actual = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try (RankingModel model = Models.create(spec, 2); Trainer trainer = new Trainer(model, TrainerTest.options())) {
        for (Batch b : train) trainer.step(b);
        actual.set(model.predict(train.get(0)));
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    worker.start();
    worker.join();
    assertNull(failure.get(), () -> "failed on another thread: " + failure.get());
    for (int r = 0; r < expected.length; r++) assertArrayEquals(expected[r], actual.get()[r]);
  }
}
