package io.infnet.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON mapper for typed state that crosses a process or file boundary (loop state, worker reports,
 * checkpoint metadata): records in, records out, {@code snake_case} names. JSON has no NaN or infinity, so a
 * non-finite double is written as {@code null} and {@code null} reads back as NaN. Unknown properties are ignored, so
 * a newer writer's extra fields do not break an older reader. An {@link InfnetConfig} is written as its canonical
 * plain form (every key) and read back validated, like a recorded config.
 */
public final class Jsons {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addModule(new SimpleModule("non-finite-as-null")
          .addSerializer(Double.class, new NonFiniteAsNull())
          .addSerializer(Double.TYPE, new NonFiniteAsNull())
          .addDeserializer(Double.class, new NullAsNaN())
          .addDeserializer(Double.TYPE, new NullAsNaN()))
      .addModule(new SimpleModule("infnet-config")
          .addSerializer(InfnetConfig.class, new ConfigAsObject())
          .addDeserializer(InfnetConfig.class, new ConfigFromObject()))
      .build();

  private Jsons() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads {@code json} as a {@code type}; {@code source} names where it came from in the error. */
  public static <T> T read(String json, Class<T> type, String source) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not a valid " + type.getSimpleName() + " (" + e.getOriginalMessage() + ")", e);
    }
  }

  /** Reads a record from its plain form (e.g. a section of a parsed document); {@code source} names it in errors. */
  public static <T> T fromPlain(Object plain, Class<T> type, String source) {
    try {
      return MAPPER.convertValue(plain, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": not a valid " + type.getSimpleName() + " (" + e.getMessage() + ")", e);
    }
  }

  /** Reads a JSON object whose values are all {@code valueType}, in file order. */
  public static <V> Map<String, V> readMap(String json, Class<V> valueType, String source) {
    try {
      return MAPPER.readValue(json, MAPPER.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, valueType));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not a JSON object of " + valueType.getSimpleName() + " values (" + e.getOriginalMessage() + ")", e);
    }
  }

  private static final class NonFiniteAsNull extends StdSerializer<Double> {
    NonFiniteAsNull() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
      if (Double.isFinite(value)) out.writeNumber(value);
      else out.writeNull();
    }
  }

  private static final class ConfigAsObject extends StdSerializer<InfnetConfig> {
    ConfigAsObject() {
      super(InfnetConfig.class);
    }

    @Override
    public void serialize(InfnetConfig config, JsonGenerator out, SerializerProvider provider) throws IOException {
      provider.defaultSerializeValue(config.toPlain(), out);
    }
  }

  private static final class ConfigFromObject extends StdDeserializer<InfnetConfig> {
    ConfigFromObject() {
      super(InfnetConfig.class);
    }

    @Override
    public InfnetConfig deserialize(JsonParser in, DeserializationContext context) throws IOException {
      return ConfigLoader.fromJson(in.readValueAsTree().toString(), "a recorded config");
    }
  }

  private static final class NullAsNaN extends StdDeserializer<Double> {
    NullAsNaN() {
      super(Double.class);
    }

    @Override
    public Double deserialize(JsonParser in, DeserializationContext context) throws IOException {
      JsonToken token = in.currentToken();
      if (token == JsonToken.VALUE_NULL) return Double.NaN;
      if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) return in.getDoubleValue();
      return (Double) context.handleUnexpectedToken(Double.class, in);
    }

    @Override
    public Double getNullValue(DeserializationContext context) {
      return Double.NaN;
    }
  }
}
