package io.infnet.config.choices;

import java.util.Locale;

/**
 * A closed set of values a config key may take, as an enum: code compares constants, configs, manifests and JSON
 * hold the lower-case names ({@link #configName()}; each enum's toString returns it too, so messages read as configs do).
 */
public interface Choice {
  String name();

  default String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
