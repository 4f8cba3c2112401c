package io.infnet.config;

import io.infnet.json.Jsons;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Builds an {@link InfnetConfig}: defaults, then a YAML file, then {@code --set key=value} overrides,
 * then cross-key checks. Every problem is a {@link ConfigException} naming the key and what was expected;
 * nothing is run on a config that did not pass.
 */
public final class ConfigLoader {
  private static final Map<String, ConfigKey<?>> BY_NAME = new LinkedHashMap<>();

  static {
    for (ConfigKey<?> k : Keys.all()) BY_NAME.put(k.name(), k);
  }

  private ConfigLoader() {}

  /** Loads {@code file} (may be null) over the defaults and applies {@code sets} in order. */
  public static InfnetConfig load(Path file, List<String> sets) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigKey<?> k : Keys.all()) values.put(k.name(), k.defaultValue());
    if (file != null) {
      String source = "in " + file;
      flatten("", readYaml(file), values, source);
    }
    return apply(new InfnetConfig(values), sets, "from --set");
  }

  /** Rebuilds a config from its recorded JSON ({@link InfnetConfig#toJson()}): what executors and resumed runs use. */
  public static InfnetConfig fromJson(String json, String source) {
    Map<String, Object> doc;
    try {
      doc = Jsons.readMap(json, Object.class, "recorded config (" + source + ")");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigKey<?> k : Keys.all()) values.put(k.name(), k.defaultValue());
    flatten("", doc, values, source);
    return apply(new InfnetConfig(values), List.of(), source);
  }

  static InfnetConfig apply(InfnetConfig base, List<String> sets, String source) {
    Map<String, Object> values = new LinkedHashMap<>(base.values());
    for (String assignment : sets) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set expects key=value, got '" + assignment + "'");
      }
      String name = assignment.substring(0, eq).trim();
      String raw = assignment.substring(eq + 1);
      setOne(name, raw, values, source);
    }
    InfnetConfig config = new InfnetConfig(values);
    checkConsistency(config);
    return config;
  }

  /** Parses a YAML (or JSON) document into a map; the error names the file and line. */
  public static Map<String, Object> readYaml(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
      if (doc == null) return Map.of();
      if (!(doc instanceof Map<?, ?> m)) throw new ConfigException("config file " + file + ": expected a YAML mapping at the top level");
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      return map;
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
    } catch (YAMLException e) {
      throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage().replace('\n', ' '));
    }
  }

  private static void flatten(String prefix, Map<?, ?> node, Map<String, Object> values, String source) {
    for (Map.Entry<?, ?> e : node.entrySet()) {
      String name = prefix + e.getKey();
      ConfigKey<?> key = BY_NAME.get(name);
      if (key != null) {
        values.put(name, key.parse(e.getValue(), source));
      } else if (e.getValue() instanceof Map<?, ?> child && hasKeysUnder(name + ".")) {
        flatten(name + ".", child, values, source);
      } else {
        throw unknown(name, source);
      }
    }
  }

  private static void setOne(String name, String raw, Map<String, Object> values, String source) {
    ConfigKey<?> key = BY_NAME.get(name);
    if (key != null) {
      values.put(name, key.parse(raw, source));
      return;
    }
    // "tasks.weights.click=2" sets one entry of a map-valued key
    Optional<ConfigKey<?>> mapKey = Keys.all().stream()
        .filter(k -> name.startsWith(k.name() + ".") && k.defaultValue() instanceof Map).findFirst();
    if (mapKey.isEmpty()) throw unknown(name, source);
    ConfigKey<?> mk = mapKey.get();
    Map<Object, Object> merged = new LinkedHashMap<>((Map<?, ?>) mk.type().plain(cast(values.get(mk.name()))));
    merged.put(name.substring(mk.name().length() + 1), raw);
    values.put(mk.name(), mk.parse(merged, source));
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  private static boolean hasKeysUnder(String prefix) {
    return BY_NAME.keySet().stream().anyMatch(n -> n.startsWith(prefix));
  }

  private static ConfigException unknown(String name, String source) {
    String section = name.contains(".") ? name.substring(0, name.indexOf('.') + 1) : "";
    List<String> near = new ArrayList<>();
    for (String n : BY_NAME.keySet()) if (!section.isEmpty() && n.startsWith(section)) near.add(n);
    String hint = near.isEmpty() ? "; sections are " + sections() : "; known keys in '" + section.replace(".", "") + "': " + String.join(", ", near);
    return new ConfigException("unknown config key '" + name + "' (" + source + ")" + hint);
  }

  private static String sections() {
    List<String> s = new ArrayList<>();
    for (String n : BY_NAME.keySet()) {
      String sec = n.substring(0, n.indexOf('.'));
      if (!s.contains(sec)) s.add(sec);
    }
    return String.join(", ", s);
  }

  /** Rules that span keys: checked after every source is applied. */
  private static void checkConsistency(InfnetConfig c) {
    int dim = c.get(Keys.MODEL_DIM);
    int heads = c.get(Keys.MODEL_HEADS);
    if (dim % heads != 0) {
      throw new ConfigException("config key 'model.heads': expected a divisor of model.dim=" + dim + ", got " + heads);
    }
    Map<String, String> labels = c.get(Keys.TASK_LABELS);
    for (String task : c.get(Keys.TASKS)) {
      if (!labels.containsKey(task)) {
        throw new ConfigException("config key 'tasks.names': task '" + task + "' has no label rule in tasks.labels (known: "
            + String.join(", ", labels.keySet()) + ")");
      }
    }
    for (String w : c.get(Keys.TASK_WEIGHTS).keySet()) {
      if (!c.get(Keys.TASKS).contains(w)) {
        throw new ConfigException("config key 'tasks.weights': '" + w + "' is not one of tasks.names " + c.get(Keys.TASKS));
      }
    }
    for (String seq : c.get(Keys.FEATURES_SEQUENCES)) {
      if (!labels.containsKey(seq)) {
        throw new ConfigException("config key 'features.sequences': behaviour '" + seq
            + "' has no label rule in tasks.labels (a sequence is defined by the events whose label is 1)");
      }
    }
    List<String> fields = c.get(Keys.FEATURES_CATEGORICAL);
    List<String> numeric = c.get(Keys.FEATURES_NUMERIC);
    for (String n : numeric) {
      if (fields.contains(n)) throw new ConfigException("config key 'features.numeric': '" + n + "' is also in features.categorical");
    }
    String item = c.get(Keys.FEATURES_ITEM_FIELD);
    if (!fields.contains(item)) {
      throw new ConfigException("config key 'features.item_field': expected one of features.categorical, got '" + item + "'");
    }
    for (String side : c.get(Keys.FEATURES_SEQUENCE_SIDE_FIELDS)) {
      if (!fields.contains(side)) {
        throw new ConfigException("config key 'features.sequence_side_fields': '" + side + "' is not in features.categorical");
      }
    }
    for (String multi : c.get(Keys.FEATURES_MULTI_VALUED).keySet()) {
      if (!fields.contains(multi)) {
        throw new ConfigException("config key 'features.multi_valued': '" + multi + "' is not in features.categorical");
      }
      // the item and user ids are the table's keys: one value per row
      if (multi.equals(item) || multi.equals("user_id") || multi.equals("video_id")) {
        throw new ConfigException("config key 'features.multi_valued': '" + multi + "' is a key or item field, which holds one value");
      }
    }
    for (String hashed : c.get(Keys.FEATURES_HASH_BUCKETS).keySet()) {
      if (numeric.contains(hashed)) {
        throw new ConfigException("config key 'features.hash_buckets': '" + hashed + "' is a numeric field (features.numeric), "
            + "only categorical fields are hashed");
      }
      if (!fields.contains(hashed)) {
        throw new ConfigException("config key 'features.hash_buckets': '" + hashed + "' is not in features.categorical");
      }
    }
    LocalDate trainEnd = LocalDate.parse(c.get(Keys.SPLIT_TRAIN_END));
    LocalDate validEnd = LocalDate.parse(c.get(Keys.SPLIT_VALID_END));
    if (!validEnd.isAfter(trainEnd)) {
      throw new ConfigException("config key 'split.valid_end': expected a date after split.train_end=" + trainEnd + ", got " + validEnd);
    }
    String trainStart = c.get(Keys.SPLIT_TRAIN_START);
    if (!trainStart.isEmpty() && LocalDate.parse(trainStart).isAfter(trainEnd)) {
      throw new ConfigException("config key 'split.train_start': expected a date on or before split.train_end=" + trainEnd + ", got " + trainStart);
    }
    String testEnd = c.get(Keys.SPLIT_TEST_END);
    if (!testEnd.isEmpty() && !LocalDate.parse(testEnd).isAfter(validEnd)) {
      throw new ConfigException("config key 'split.test_end': expected a date after split.valid_end=" + validEnd + ", got " + testEnd);
    }
    String from = c.get(Keys.SCORE_FROM_DATE);
    String to = c.get(Keys.SCORE_TO_DATE);
    if (!from.isEmpty() && !to.isEmpty() && LocalDate.parse(to).isBefore(LocalDate.parse(from))) {
      throw new ConfigException("config key 'score.to_date': expected a date on or after score.from_date=" + from + ", got " + to);
    }
    if (c.get(Keys.MODEL_TIME_GAP) && c.get(Keys.FEATURES_GAP_BUCKETS) == 0) {
      throw new ConfigException("config key 'model.time_gap': true needs features.gap_buckets > 0");
    }
  }

  /** The documented defaults as YAML, grouped by section: what {@code conf/infnet.yaml} holds. */
  public static String renderDefaultsYaml() {
    StringBuilder out = new StringBuilder();
    out.append("# INFNet platform configuration: every key with its default.\n")
        .append("# Generated from io.infnet.config.Keys (bin/infnet config --defaults); a test keeps the two equal.\n")
        .append("# Override in your own file (--config FILE) or per run (--set key=value).\n");
    String section = "";
    for (ConfigKey<?> k : Keys.all()) {
      String[] parts = k.name().split("\\.", 2);
      if (!parts[0].equals(section)) {
        section = parts[0];
        out.append('\n').append(section).append(":\n");
      }
      out.append("  # ").append(k.doc()).append(" Expected: ").append(k.type().expected()).append(".\n");
      out.append("  ").append(parts[1]).append(": ").append(Jsons.write(plainDefault(k))).append('\n');
    }
    return out.toString();
  }

  private static <T> Object plainDefault(ConfigKey<T> k) {
    return k.type().plain(k.defaultValue());
  }
}
