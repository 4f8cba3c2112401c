package io.infnet.config;

import io.infnet.config.choices.Choice;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one config value is read (from a YAML scalar/list/map or a {@code --set} string) and what is
 * expected of it. {@link #parse} throws {@link IllegalArgumentException} whose message is {@link #expected()}.
 */
public abstract class ValueType<T> {
  private final String expected;

  private ValueType(String expected) {
    this.expected = expected;
  }

  /** What a valid value looks like, e.g. "an integer in [1, 65536]": used in every error message. */
  public final String expected() {
    return expected;
  }

  /** Converts a raw value, or throws IllegalArgumentException(expected()). */
  public abstract T parse(Object raw);

  /** The plain (String/Number/Boolean/List/Map) form written to YAML and JSON. */
  public Object plain(T value) {
    return value;
  }

  IllegalArgumentException invalid() {
    return new IllegalArgumentException(expected);
  }

  public static ValueType<Integer> integer(int min, int max) {
    return new ValueType<>("an integer in [" + min + ", " + max + "]") {
      @Override
      public Integer parse(Object raw) {
        long v = parseWhole(raw, this);
        if (v < min || v > max) throw invalid();
        return (int) v;
      }
    };
  }

  public static ValueType<Long> longInteger(long min, long max) {
    return new ValueType<>("an integer in [" + min + ", " + max + "]") {
      @Override
      public Long parse(Object raw) {
        long v = parseWhole(raw, this);
        if (v < min || v > max) throw invalid();
        return v;
      }
    };
  }

  public static ValueType<Double> decimal(double min, double max) {
    return new ValueType<>("a number in [" + min + ", " + max + "]") {
      @Override
      public Double parse(Object raw) {
        double v;
        if (raw instanceof Number n) {
          v = n.doubleValue();
        } else if (raw instanceof String s) {
          try {
            v = Double.parseDouble(s.trim());
          } catch (NumberFormatException e) {
            throw invalid();
          }
        } else {
          throw invalid();
        }
        if (!(v >= min && v <= max)) throw invalid();
        return v;
      }
    };
  }

  public static ValueType<Boolean> bool() {
    return new ValueType<>("true or false") {
      @Override
      public Boolean parse(Object raw) {
        if (raw instanceof Boolean b) return b;
        if (raw instanceof String s) {
          if (s.trim().equalsIgnoreCase("true")) return true;
          if (s.trim().equalsIgnoreCase("false")) return false;
        }
        throw invalid();
      }
    };
  }

  /** Any string; {@code allowEmpty=false} rejects blanks. */
  public static ValueType<String> text(boolean allowEmpty) {
    return new ValueType<>(allowEmpty ? "a string" : "a non-empty string") {
      @Override
      public String parse(Object raw) {
        if (raw == null) {
          if (allowEmpty) return "";
          throw invalid();
        }
        if (raw instanceof Map || raw instanceof List) throw invalid();
        String s = String.valueOf(raw);
        if (!allowEmpty && s.isBlank()) throw invalid();
        return s;
      }
    };
  }

  /** One of an enum's constants (all, or the {@code allowed} subset), written and read as lower-case names. */
  @SafeVarargs
  public static <E extends Enum<E> & Choice> ValueType<E> choice(Class<E> type, E... allowed) {
    List<E> values = allowed.length > 0 ? List.of(allowed) : List.of(type.getEnumConstants());
    List<String> names = values.stream().map(Choice::configName).toList();
    return new ValueType<>("one of " + String.join(", ", names)) {
      @Override
      public E parse(Object raw) {
        if (type.isInstance(raw) && values.contains(type.cast(raw))) return type.cast(raw);
        int at = names.indexOf(raw == null ? "" : String.valueOf(raw).trim());
        if (at < 0) throw invalid();
        return values.get(at);
      }

      @Override
      public Object plain(E value) {
        return value.configName();
      }
    };
  }

  /** An ISO date, yyyy-MM-dd, kept as its string (the lake's date partition format). */
  public static ValueType<String> date(boolean allowEmpty) {
    return new ValueType<>(allowEmpty ? "a date yyyy-MM-dd or empty" : "a date yyyy-MM-dd") {
      @Override
      public String parse(Object raw) {
        String s = raw == null ? "" : String.valueOf(raw).trim();
        if (s.isEmpty() && allowEmpty) return s;
        try {
          return LocalDate.parse(s).toString();
        } catch (DateTimeParseException e) {
          throw invalid();
        }
      }
    };
  }

  /** A list of identifiers; from --set as a comma-separated string. */
  public static ValueType<List<String>> names(boolean allowEmpty) {
    return new ValueType<>(allowEmpty ? "a list of names (a,b,c)" : "a non-empty list of names (a,b,c)") {
      @Override
      public List<String> parse(Object raw) {
        List<?> items;
        if (raw == null) {
          items = List.of();
        } else if (raw instanceof List<?> l) {
          items = l;
        } else if (raw instanceof String s) {
          items = s.isBlank() ? List.of() : Arrays.asList(s.split(","));
        } else {
          throw invalid();
        }
        List<String> out = new ArrayList<>();
        for (Object item : items) {
          if (item == null || item instanceof Map || item instanceof List) throw invalid();
          String name = String.valueOf(item).trim();
          if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw invalid();
          if (out.contains(name)) throw new IllegalArgumentException(expected() + " without duplicates ('" + name + "' twice)");
          out.add(name);
        }
        if (out.isEmpty() && !allowEmpty) throw invalid();
        return Collections.unmodifiableList(out);
      }
    };
  }

  /** A map from names to values of another type (e.g. task name to label rule). */
  public static <V> ValueType<Map<String, V>> mapOf(ValueType<V> valueType) {
    return new ValueType<>("a map of names to " + valueType.expected()) {
      @Override
      public Map<String, V> parse(Object raw) {
        if (raw == null) return Map.of();
        if (!(raw instanceof Map<?, ?> m)) throw invalid();
        Map<String, V> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          String k = String.valueOf(e.getKey());
          try {
            out.put(k, valueType.parse(e.getValue()));
          } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("entry '" + k + "': " + valueType.expected());
          }
        }
        return Collections.unmodifiableMap(out);
      }

      @Override
      public Object plain(Map<String, V> value) {
        Map<String, Object> out = new LinkedHashMap<>();
        value.forEach((k, v) -> out.put(k, valueType.plain(v)));
        return out;
      }
    };
  }

  private static long parseWhole(Object raw, ValueType<?> type) {
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) return ((Number) raw).longValue();
    if (raw instanceof java.math.BigInteger) throw type.invalid();
    if (raw instanceof String s) {
      try {
        return Long.parseLong(s.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        throw type.invalid();
      }
    }
    throw type.invalid();
  }
}
