package io.infnet.config;

import java.util.List;
import java.util.Map;

/** A config problem, worded for the user: it names the key, where the value came from, and what was expected. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  static String show(Object raw) {
    if (raw == null) return "nothing";
    if (raw instanceof String s) return "'" + s + "'";
    if (raw instanceof Map) return "a map";
    if (raw instanceof List) return "a list " + raw;
    return String.valueOf(raw);
  }
}
