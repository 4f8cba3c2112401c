package io.infnet.config;

import io.infnet.json.Jsons;
import io.infnet.lake.Checksums;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validated, immutable configuration of one run: a value for every key of {@link Keys}.
 * Built by {@link ConfigLoader}; recorded with every output as {@link #toJson()} and {@link #hash()}.
 */
public final class InfnetConfig {
  private final Map<String, Object> values; // key name -> parsed value, every key present

  InfnetConfig(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Every key at its default. */
  public static InfnetConfig defaults() {
    return ConfigLoader.load(null, java.util.List.of());
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (!values.containsKey(key.name())) throw new IllegalArgumentException("unregistered config key " + key.name());
    return (T) values.get(key.name());
  }

  /** A copy with overrides in {@code --set} syntax ("key=value"), validated like the CLI's. */
  public InfnetConfig with(String... assignments) {
    return ConfigLoader.apply(this, java.util.List.of(assignments), "override");
  }

  Map<String, Object> values() {
    return values;
  }

  /** The plain (JSON-able) form, keys sorted: the canonical record of this run's config. */
  public Map<String, Object> toPlain() {
    Map<String, Object> out = new TreeMap<>();
    for (ConfigKey<?> k : Keys.all()) out.put(k.name(), plainOf(k));
    return out;
  }

  private <T> Object plainOf(ConfigKey<T> key) {
    return key.type().plain(get(key));
  }

  public String toJson() {
    return Jsons.write(toPlain());
  }

  /** sha256 of the canonical JSON: equal configs have equal hashes, whatever file they came from. */
  public String hash() {
    return Checksums.sha256(toJson().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * sha256 of what decides a training run's steps: every key but where and on how many workers it runs (spark.*,
   * train.workers, train.threads), which the trainer makes not matter (the same losses for any worker count). A run
   * resumes under any config with this hash, e.g. on a cluster of another size.
   */
  public String trainingHash() {
    Map<String, Object> plain = toPlain();
    plain.keySet().removeIf(k -> k.startsWith("spark.") || k.equals("train.workers") || k.equals("train.threads"));
    return Checksums.sha256(Jsons.write(plain).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InfnetConfig other && toPlain().equals(other.toPlain());
  }

  @Override
  public int hashCode() {
    return toPlain().hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
