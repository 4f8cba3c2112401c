package io.infnet.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.infnet.config.ConfigKey;
import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The values of the keys that decide an architecture, typed by their {@link ConfigKey}: every {@code model.*} key of
 * {@link Keys}, {@code tasks.names} and {@code tasks.weights}. The list is {@link Keys}' own, so a key declared there
 * with the {@code model.} prefix is part of every {@link ModelSpec}, manifest and {@link ModelSpec#with} without
 * another line (an accessor on ModelSpec is a convenience, not a requirement). In JSON (the manifest's "model"
 * section) it is one object of key name to plain value; absent keys read as the value such models were built with.
 */
public final class ModelOptions {
  /** The keys an architecture is made of, in declaration order. */
  public static final List<ConfigKey<?>> KEYS = Keys.all().stream()
      .filter(k -> k.name().startsWith("model.") || k == Keys.TASKS || k == Keys.TASK_WEIGHTS).toList();

  private final Map<ConfigKey<?>, Object> values; // every key of KEYS, parsed

  private ModelOptions(Map<ConfigKey<?>, Object> values) {
    this.values = values;
  }

  /** The architecture keys of a run config. */
  public static ModelOptions from(InfnetConfig config) {
    Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
    for (ConfigKey<?> key : KEYS) values.put(key, config.get(key));
    return new ModelOptions(values);
  }

  /** Reads the form written by {@link #toPlain()}; unknown names are ignored, absent ones take {@link #absentValue}. */
  @JsonCreator
  public static ModelOptions fromPlain(Map<String, ?> plain) {
    Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
    for (ConfigKey<?> key : KEYS) values.put(key, parse(key, plain.get(key.name())));
    return new ModelOptions(values);
  }

  private static <T> T parse(ConfigKey<T> key, Object raw) {
    try {
      return raw == null ? absentValue(key) : key.type().parse(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model key '" + key.name() + "': expected " + e.getMessage() + ", got " + raw, e);
    }
  }

  /**
   * A key missing from a saved model section: the value that model was built with. Keys added after models were
   * exported keep those models' behaviour (model.input_norm did not exist: no input norms), others take the default.
   */
  @SuppressWarnings("unchecked")
  private static <T> T absentValue(ConfigKey<T> key) {
    return key == Keys.MODEL_INPUT_NORM ? (T) Boolean.FALSE : key.defaultValue();
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (!values.containsKey(key)) throw new IllegalArgumentException(key.name() + " is not an architecture key");
    return (T) values.get(key);
  }

  /** A copy with {@code key} set to {@code value}. */
  public <T> ModelOptions with(ConfigKey<T> key, T value) {
    get(key);
    Map<ConfigKey<?>, Object> copy = new LinkedHashMap<>(values);
    copy.put(key, key.type().parse(value));
    return new ModelOptions(copy);
  }

  /** Every key by its config name with its plain (JSON) value. */
  @JsonValue
  public Map<String, Object> toPlain() {
    Map<String, Object> plain = new LinkedHashMap<>();
    values.forEach((key, value) -> plain.put(key.name(), plainOf(key, value)));
    return plain;
  }

  @SuppressWarnings("unchecked")
  private static <T> Object plainOf(ConfigKey<T> key, Object value) {
    return key.type().plain((T) value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelOptions other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(values);
  }

  @Override
  public String toString() {
    return toPlain().toString();
  }
}
