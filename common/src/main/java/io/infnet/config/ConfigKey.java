package io.infnet.config;

import java.util.Objects;

/** One typed, documented config key (like a Spark MLlib {@code Param}): dotted name, type, default. */
public final class ConfigKey<T> {
  private final String name;
  private final ValueType<T> type;
  private final T defaultValue;
  private final String doc;

  ConfigKey(String name, ValueType<T> type, T defaultValue, String doc) {
    this.name = Objects.requireNonNull(name);
    this.type = Objects.requireNonNull(type);
    this.defaultValue = type.parse(defaultValue); // a default must satisfy its own type
    this.doc = Objects.requireNonNull(doc);
  }

  public String name() {
    return name;
  }

  public ValueType<T> type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  /** Parses a raw value for this key; the error names the key, the source and what was expected. */
  T parse(Object raw, String source) {
    try {
      return type.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + name + "' (" + source + "): expected " + e.getMessage()
          + ", got " + ConfigException.show(raw));
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
