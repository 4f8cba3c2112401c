package io.infnet.features.raw;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The declared mappings of foreign data sets onto the raw tables (docs/FEATURE_TABLES.md, "Other data sets"). */
public final class RawMappings {
  private RawMappings() {}

  /**
   * InstEval (lme4; ETH Zürich lecture evaluations, 73,421 ratings): students {@code s} are the users, lecturers
   * {@code d} the items; {@code lectage} (semesters ago, 1 = most recent, 6 = oldest) is the time axis, period k
   * on the synthetic day 2000-01-01 + (6 − k); {@code studage}, {@code service}, {@code dept} and the rating
   * {@code y} stay on the log as x_studage, x_service, x_dept, x_y. Tasks: like = y ≥ 4, love = y = 5.
   * The matching feature config is conf/insteval.yaml.
   */
  public static final RawMapping INSTEVAL = new RawMapping("insteval",
      DataTypes.createStructType(List.of(
          DataTypes.createStructField("s", DataTypes.LongType, true),
          DataTypes.createStructField("d", DataTypes.LongType, true),
          DataTypes.createStructField("studage", DataTypes.IntegerType, true),
          DataTypes.createStructField("lectage", DataTypes.IntegerType, true),
          DataTypes.createStructField("service", DataTypes.IntegerType, true),
          DataTypes.createStructField("dept", DataTypes.IntegerType, true),
          DataTypes.createStructField("y", DataTypes.IntegerType, true))),
      "s", "d", new RawMapping.PeriodsAgo("lectage", 6, LocalDate.of(2000, 1, 1)),
      List.of("studage", "service", "dept", "y"),
      ordered("lectage", new int[] {1, 6}, "y", new int[] {1, 5}),
      ordered("like", RawMapping.extensionColumn("y") + " >= 4", "love", RawMapping.extensionColumn("y") + " = 5"));

  private static final Map<String, RawMapping> BY_NAME = Map.of(INSTEVAL.name(), INSTEVAL);

  /** The mapping called {@code name}; the error lists the known ones. */
  public static RawMapping byName(String name) {
    RawMapping m = BY_NAME.get(name);
    if (m == null) throw new IllegalArgumentException("no raw mapping '" + name + "' (known: " + String.join(", ", BY_NAME.keySet()) + ")");
    return m;
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> ordered(Object... kv) {
    Map<String, V> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (V) kv[i + 1]);
    return m;
  }
}
