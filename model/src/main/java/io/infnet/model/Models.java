package io.infnet.model;

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
    return new NetworkModel(spec, network(spec), seed);
  }

  static RankingNetwork network(ModelSpec spec) {
    return switch (spec.type()) {
      case "infnet" -> new InfnetNetwork(spec);
      case "shared_bottom" -> new SharedBottomNetwork(spec);
      case "mmoe" -> new MmoeNetwork(spec);
      case "ple" -> new PleNetwork(spec);
      case "dcnv2" -> new DcnV2Network(spec);
      case "full_attention" -> new FullAttentionNetwork(spec);
      default -> throw new IllegalArgumentException("unknown model.type '" + spec.type() + "'");
    };
  }
}
