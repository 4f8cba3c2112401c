package io.infnet.model;

import ai.djl.Device;
import io.infnet.model.nn.DcnV2Network;
import io.infnet.model.nn.FullAttentionNetwork;
import io.infnet.model.nn.InfnetNetwork;
import io.infnet.model.nn.MmoeNetwork;
import io.infnet.model.nn.PleNetwork;
import io.infnet.model.nn.SharedBottomNetwork;
import io.infnet.model.nn.RankingNetwork;

/** Builds the network named by model.type. */
public final class Models {
  private Models() {}

  public static RankingModel create(ModelSpec spec, long seed) {
    return create(spec, seed, Device.cpu());
  }

  /** The model with its weights on {@code device}; same seed, same initial weights on any device. */
  public static RankingModel create(ModelSpec spec, long seed, Device device) {
    return new NetworkModel(spec, network(spec), seed, device, true);
  }

  /**
   * The model without its embedding tables (empty placeholders): their rows live in shards on the training workers
   * (train.embedding_update = sharded) and lookups read them through {@link NetworkModel#readRowsFrom}.
   */
  public static NetworkModel createWithTablesElsewhere(ModelSpec spec, long seed, Device device) {
    return new NetworkModel(spec, network(spec), seed, device, false);
  }

  static RankingNetwork network(ModelSpec spec) {
    return switch (spec.type()) {
      case INFNET -> new InfnetNetwork(spec);
      case SHARED_BOTTOM -> new SharedBottomNetwork(spec);
      case MMOE -> new MmoeNetwork(spec);
      case PLE -> new PleNetwork(spec);
      case DCNV2 -> new DcnV2Network(spec);
      case FULL_ATTENTION -> new FullAttentionNetwork(spec);
    };
  }
}
