package io.infnet.features;

import static org.apache.spark.sql.functions.col;

import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;

/**
 * Which days one feature build makes, and from which sequence state (docs/FEATURE_TABLES.md, "Day by day").
 *
 * <p>A full build makes every day of the raw log from no history. A day range {@code [from, to]} is widened so that the
 * table stays what a full build would make: back to the earliest day ingested after it was built (late data) or
 * ingested and never built, then back to the day after the latest day whose end-of-build state is still valid; and,
 * when a built day was stale, forward to the last day built (every later day's sequences read the changed days).
 *
 * @param from          first day (yyyy-MM-dd); null for a full build (the log's first day)
 * @param to            last day; null for a full build
 * @param stateVersion  version of the sequence-state table holding every event before {@code from}; -1 = no history
 * @param notes         why the range differs from the one asked for, for the job's output
 */
record BuildPlan(String from, String to, long stateVersion, List<String> notes) {
  /** Feature-table property per built day: when it was built (ISO instant). */
  static final String BUILT_PREFIX = "infnet.built.";
  /** Feature-table property per build's last day: the sequence-state version holding every event up to that day. */
  static final String STATE_PREFIX = "infnet.state.";
  /** Raw-log property per ingested day (yyyyMMdd): "ISO instant,rows", written by the daily ingest. */
  static final String INGESTED_PREFIX = io.infnet.features.raw.DailyIngest.PROPERTY_PREFIX;

  BuildPlan {
    notes = List.copyOf(notes);
  }

  static BuildPlan full() {
    return new BuildPlan(null, null, -1, List.of());
  }

  boolean isFull() {
    return from == null;
  }

  /** The raw log's {@code date} (yyyyMMdd) of a day. */
  static int logDay(String day) {
    return Integer.parseInt(day.replace("-", ""));
  }

  /**
   * The plan for {@code [from, to]} on a lake whose feature table exists and was built with {@code specJson}.
   *
   * @throws IllegalArgumentException naming what to do instead (a full build) when a range cannot be built
   */
  static BuildPlan range(SparkSession spark, LakePaths lake, String specJson, String from, String to) {
    String table = lake.features();
    if (!Delta.exists(spark, table)) return firstRange(spark, lake, from, to);
    Map<String, String> props = Delta.properties(spark, table);
    if (!specJson.equals(props.get(FeatureTables.FEATURE_SPEC_PROPERTY))) {
      throw new IllegalArgumentException("the feature table at " + table + " was built with other feature, task or split keys than "
          + "this config's: a day range cannot mix them; run a full build (bin/infnet features without a date range)");
    }
    TreeMap<String, Instant> built = instants(props, BUILT_PREFIX);
    TreeMap<String, Instant> ingested = new TreeMap<>();
    instants(Delta.properties(spark, lake.rawLog()), INGESTED_PREFIX).forEach((day, at) -> ingested.put(isoDay(day), at));
    List<String> notes = new ArrayList<>();

    TreeSet<String> stale = new TreeSet<>();
    built.forEach((day, at) -> {
      Instant in = ingested.get(day);
      if (in != null && in.isAfter(at)) stale.add(day);
    });
    String start = from;
    if (!stale.isEmpty() && stale.first().compareTo(start) < 0) {
      start = stale.first();
      notes.add("from " + start + ": raw day(s) " + stale + " were ingested again after their features were built");
    }
    for (String day : ingested.headMap(start).keySet()) {
      if (!built.containsKey(day)) {
        start = day;
        notes.add("from " + start + ": ingested, never built");
        break;
      }
    }
    String end = to;
    if (!stale.isEmpty() && !built.isEmpty() && built.lastKey().compareTo(end) > 0) {
      end = built.lastKey();
      notes.add("to " + end + ": later days read the re-ingested ones in their sequences");
    } else if (!built.isEmpty() && built.lastKey().compareTo(end) > 0 && !built.keySet().containsAll(days(start, end))) {
      // a day that was missing when later days were built (delivered late): their sequences lack its events
      notes.add("to " + built.lastKey() + ": days after " + end + " were built without the day(s) new in " + start + ".." + end);
      end = built.lastKey();
    }

    Map.Entry<String, Long> state = states(props).lowerEntry(start);
    String firstBuilt = built.isEmpty() ? start : built.firstKey();
    if (state == null) {
      if (firstBuilt.compareTo(start) < 0) {
        notes.add("from " + firstBuilt + ": no sequence state is kept before " + start);
        start = firstBuilt;
      }
      return new BuildPlan(start, end, -1, notes);
    }
    String next = LocalDate.parse(state.getKey()).plusDays(1).toString();
    if (next.compareTo(start) < 0 && !built.subMap(next, start).isEmpty()) {
      notes.add("from " + next + ": the last sequence state kept before " + start + " is the one after " + state.getKey());
      start = next;
    }
    return new BuildPlan(start, end, state.getValue(), notes);
  }

  /** The feature table's sequence states by the day they end: state version per {@value #STATE_PREFIX}day property. */
  static TreeMap<String, Long> states(Map<String, String> tableProperties) {
    TreeMap<String, Long> states = new TreeMap<>();
    tableProperties.forEach((k, v) -> {
      if (k.startsWith(STATE_PREFIX)) states.put(k.substring(STATE_PREFIX.length()), Long.parseLong(v));
    });
    return states;
  }

    /** A new table may start day by day only at the log's first day: earlier days would be missing from every sequence. */
  private static BuildPlan firstRange(SparkSession spark, LakePaths lake, String from, String to) {
    if (!Delta.read(spark, lake.rawLog()).where(col("date").lt(logDay(from))).limit(1).isEmpty()) {
      throw new IllegalArgumentException("there is no feature table at " + lake.features() + " and the raw log has days before "
          + "features.from_date=" + from + ": build from the log's first day, or run a full build (bin/infnet features without a date range)");
    }
    return new BuildPlan(from, to, -1, List.of());
  }

  private static TreeMap<String, Instant> instants(Map<String, String> props, String prefix) {
    TreeMap<String, Instant> out = new TreeMap<>();
    props.forEach((k, v) -> {
      if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), Instant.parse(v.split(",")[0]));
    });
    return out;
  }

  /** Every day of [from, to] (yyyy-MM-dd). */
  private static List<String> days(String from, String to) {
    return LocalDate.parse(from).datesUntil(LocalDate.parse(to).plusDays(1)).map(LocalDate::toString).toList();
  }

  /** yyyyMMdd → yyyy-MM-dd. */
  private static String isoDay(String logDay) {
    return logDay.substring(0, 4) + "-" + logDay.substring(4, 6) + "-" + logDay.substring(6, 8);
  }
}
