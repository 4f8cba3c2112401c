package io.infnet.features.raw;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The declared schemas of the three raw tables, with the names and types of the KuaiRand-Pure files
 * (log_standard_*.csv, user_features_pure.csv, video_features_basic_pure.csv). Both the generator and
 * the feature build hold to them, so a raw table that drifted is caught before any join.
 */
public final class RawSchemas {
  private RawSchemas() {}

  public static final StructType LOG = schema(
      "user_id", "long", "video_id", "long", "date", "int", "hourmin", "int", "time_ms", "long",
      "is_click", "int", "is_like", "int", "is_follow", "int", "is_comment", "int", "is_forward", "int",
      "is_hate", "int", "long_view", "int", "play_time_ms", "long", "duration_ms", "long",
      "profile_stay_time", "long", "comment_stay_time", "long", "is_profile_enter", "int", "is_rand", "int",
      "tab", "int");

  public static final StructType USERS = schema(
      "user_id", "long", "user_active_degree", "string", "is_lowactive_period", "int", "is_live_streamer", "int",
      "is_video_author", "int", "follow_user_num", "int", "follow_user_num_range", "string",
      "fans_user_num", "int", "fans_user_num_range", "string", "friend_user_num", "int",
      "friend_user_num_range", "string", "register_days", "int", "register_days_range", "string",
      "onehot_feat0", "int", "onehot_feat1", "int", "onehot_feat2", "int", "onehot_feat3", "int",
      "onehot_feat4", "double", "onehot_feat5", "int", "onehot_feat6", "int", "onehot_feat7", "int",
      "onehot_feat8", "int", "onehot_feat9", "int", "onehot_feat10", "int", "onehot_feat11", "int",
      "onehot_feat12", "double", "onehot_feat13", "double", "onehot_feat14", "double", "onehot_feat15", "double",
      "onehot_feat16", "double", "onehot_feat17", "double");

  public static final StructType VIDEOS = schema(
      "video_id", "long", "author_id", "long", "video_type", "string", "upload_dt", "string",
      "upload_type", "string", "visible_status", "double", "video_duration", "double", "server_width", "double",
      "server_height", "double", "music_id", "long", "music_type", "double", "tag", "string");

  /**
   * A candidates table ({@code bin/infnet score --candidates=PATH}): requests to rank, keyed like the log (user, video,
   * request time as {@code time_ms}, its day as {@code date} yyyyMMdd), with the log's context columns the features read
   * ({@code hourmin} for hour, {@code tab}) and extension columns like the log's. No outcome column: a candidate has
   * not happened yet, and a table carrying outcomes is refused rather than risk them reaching a feature.
   */
  public static final StructType CANDIDATES = schema(
      "user_id", "long", "video_id", "long", "time_ms", "long", "date", "int", "hourmin", "int", "tab", "int");

  /**
   * Prefix of the log's extension columns: data mapped from another source (e.g. InstEval's {@code studage})
   * keeps its own columns as {@code x_<name>} next to the declared ones, so they can be features or label
   * sources under their own names. Only the log and candidates have them (users and videos stay exactly as declared).
   */
  public static final String EXTENSION_PREFIX = "x_";

  /** The log's 0/1 flag columns: a value outside {0, 1} makes the row invalid. */
  public static final List<String> LOG_FLAGS = List.of("is_click", "is_like", "is_follow", "is_comment", "is_forward",
      "is_hate", "long_view", "is_profile_enter", "is_rand");

  /**
   * The log flags whose true probability per impression the generator knows and stores in {@code raw/oracle}: every
   * flag but {@code is_rand}, which is not an outcome but the log's kind (always 0 in a generated "standard" log).
   */
  public static final List<String> ORACLE_FLAGS = List.of("is_click", "is_like", "is_follow", "is_comment", "is_forward",
      "is_hate", "long_view", "is_profile_enter");

  /** The impression key shared by the log and the oracle: one oracle row per log row. */
  public static final List<String> IMPRESSION_KEY = List.of("user_id", "video_id", "time_ms");

  /**
   * {@code raw/oracle}: the impression key and {@code date} (the partition column, as in the log), then per flag of
   * {@link #ORACLE_FLAGS}, under the flag's own name, the probability that it is 1 (docs/DATAGEN.md).
   */
  public static final StructType ORACLE = oracleSchema();

  /**
   * Checks {@code table} against {@code expected}: same column names (any order) and types; the log and candidates
   * may also have extension columns ({@value #EXTENSION_PREFIX}name) of type int, long, double or string.
   *
   * @throws IllegalArgumentException naming the table, the column and the expected type
   */
  public static void requireSchema(Dataset<Row> table, StructType expected, String tableName) {
    Map<String, DataType> actual = new LinkedHashMap<>();
    for (StructField f : table.schema().fields()) actual.put(f.name(), f.dataType());
    List<String> problems = new ArrayList<>();
    for (StructField f : expected.fields()) {
      DataType found = actual.remove(f.name());
      if (found == null) {
        problems.add("missing column " + f.name() + " (expected " + f.dataType().simpleString() + ")");
      } else if (!found.equals(f.dataType())) {
        problems.add("column " + f.name() + " has type " + found.simpleString() + ", expected " + f.dataType().simpleString());
      }
    }
    for (Map.Entry<String, DataType> extra : actual.entrySet()) {
      if (isExtensible(expected) && extra.getKey().startsWith(EXTENSION_PREFIX)) {
        if (!EXTENSION_TYPES.contains(extra.getValue())) {
          problems.add("extension column " + extra.getKey() + " has type " + extra.getValue().simpleString()
              + ", expected int, long, double or string");
        }
      } else {
        problems.add("unexpected column " + extra.getKey() + " (not in the declared schema"
            + (isExtensible(expected) ? "; extension columns start with " + EXTENSION_PREFIX : "") + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("raw table '" + tableName + "' does not match its declared schema: "
          + String.join("; ", problems));
    }
  }

  /** The declared columns in order, then (log and candidates only) the extension columns in the table's order. */
  public static String[] columnsOf(Dataset<Row> table, StructType expected) {
    List<String> columns = new ArrayList<>(List.of(expected.fieldNames()));
    if (isExtensible(expected)) {
      for (String c : table.columns()) if (c.startsWith(EXTENSION_PREFIX)) columns.add(c);
    }
    return columns.toArray(String[]::new);
  }

  /** The tables that may carry extension columns: the log, and candidates, which feed the same features. */
  static boolean isExtensible(StructType expected) {
    return expected == LOG || expected == CANDIDATES;
  }

  /** The name of the raw table {@code schema} declares: log, users, videos, candidates or oracle. */
  public static String tableName(StructType schema) {
    if (schema == LOG) return "log";
    if (schema == USERS) return "users";
    if (schema == VIDEOS) return "videos";
    if (schema == CANDIDATES) return "candidates";
    if (schema == ORACLE) return "oracle";
    throw new IllegalArgumentException("not a declared raw schema: " + schema.simpleString());
  }

  /**
   * The columns that must never be null in an input: the log's impression key and its day, the id of a user or video
   * (docs/DATA_POLICY.md, "The way in").
   */
  public static List<String> keyColumns(StructType schema) {
    if (schema == LOG || schema == CANDIDATES) return List.of("user_id", "video_id", "time_ms", "date");
    if (schema == USERS) return List.of("user_id");
    if (schema == VIDEOS) return List.of("video_id");
    throw new IllegalArgumentException("no key columns declared for " + tableName(schema));
  }

  private static final List<DataType> EXTENSION_TYPES =
      List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.DoubleType, DataTypes.StringType);

  private static StructType oracleSchema() {
    StructType schema = schema("user_id", "long", "video_id", "long", "time_ms", "long", "date", "int");
    for (String flag : ORACLE_FLAGS) schema = schema.add(flag, DataTypes.DoubleType, true);
    return schema;
  }

  private static StructType schema(String... namesAndTypes) {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      fields.add(DataTypes.createStructField(namesAndTypes[i], typeOf(namesAndTypes[i + 1]), true));
    }
    return DataTypes.createStructType(fields);
  }

  private static DataType typeOf(String name) {
    return switch (name) {
      case "long" -> DataTypes.LongType;
      case "int" -> DataTypes.IntegerType;
      case "double" -> DataTypes.DoubleType;
      case "string" -> DataTypes.StringType;
      default -> throw new IllegalArgumentException(name);
    };
  }
}
