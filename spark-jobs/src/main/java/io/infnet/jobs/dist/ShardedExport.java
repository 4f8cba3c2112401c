package io.infnet.jobs.dist;

import ai.djl.Device;
import io.infnet.jobs.JobFailure;
import io.infnet.json.Jsons;
import io.infnet.model.ModelSpec;
import io.infnet.model.Models;
import io.infnet.model.NetworkModel;
import io.infnet.model.io.SafeTensors;
import io.infnet.model.nn.Module.NamedParameter;
import io.infnet.model.train.shard.EmbeddingShard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The registry's weights file of a run with sharded tables: worker 0's replicated weights plus every table put together
 * from the workers' final shards, rows never touched at their initial value. The registry format holds whole tables,
 * so a table past 2^31 values cannot be exported this way (the run's checkpoint keeps its shards).
 */
final class ShardedExport {
  private ShardedExport() {}

  static byte[] withTables(byte[] replicated, CheckpointStore store, long step, ModelSpec spec, long seed) throws IOException {
    Map<String, String> files = Jsons.readMap(new String(store.read(step, CheckpointStore.SHARDS), StandardCharsets.UTF_8),
        String.class, "step-" + step + "/" + CheckpointStore.SHARDS);
    try (NetworkModel model = Models.createWithTablesElsewhere(spec, seed, Device.cpu())) {
      Map<String, float[]> weights = new LinkedHashMap<>();
      SafeTensors.read(replicated).tensors().forEach((name, t) -> weights.put(name, t.values()));
      for (String table : model.tablesElsewhere()) weights.put(table, initialTable(model.parameters().get(table), seed));
      for (Map.Entry<String, String> f : files.entrySet()) {
        if (!f.getKey().startsWith("shard-")) continue; // best-*: the final shards already hold the best epoch's rows
        store.readShard(step, f.getKey(), f.getValue()).forEach((table, c) -> {
          float[] full = weights.get(table);
          int width = Math.toIntExact(model.parameters().get(table).shape().get(1));
          for (int i = 0; i < c.ids().length; i++) System.arraycopy(c.weights(), i * width, full, Math.toIntExact(c.ids()[i] * width), width);
        });
      }
      Map<String, float[]> ordered = new LinkedHashMap<>();
      for (String name : model.parameters().keySet()) ordered.put(name, weights.get(name));
      return model.safetensors(ordered);
    }
  }

  private static float[] initialTable(NamedParameter p, long seed) {
    long rows = p.shape().get(0);
    int width = Math.toIntExact(p.shape().get(1));
    if (rows * width > Integer.MAX_VALUE - 8) {
      throw new JobFailure("train: sharded table " + p.name() + " has " + rows + " × " + width + " values, more than the "
          + "registry's weights file holds per table (2^31): its rows stay in the run's checkpoint shards");
    }
    float[] full = new float[(int) (rows * width)];
    for (long id = 0; id < rows; id++) {
      System.arraycopy(EmbeddingShard.initialRow(p.name(), width, p.init(), seed, id), 0, full, (int) (id * width), width);
    }
    return full;
  }
}
