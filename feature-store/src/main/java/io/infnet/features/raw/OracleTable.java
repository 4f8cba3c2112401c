package io.infnet.features.raw;

import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code raw/oracle} ({@link RawSchemas#ORACLE}): the generator's true probabilities of the log's flags, one row per
 * generated impression. Only datagen writes it, right after the log, and tags it with the state of the log it
 * belongs to (the log table's id and Delta version); the feature build uses it only for exactly that log state, so a
 * log replaced or changed since (import, ingest, appended rows) never meets a stale oracle. {@code import} and
 * {@code ingest} delete it too: their rows have no known true probabilities.
 */
public final class OracleTable {
  /** Table property: {@code <log table id>@v<log version>} of the log the oracle was generated with. */
  public static final String LOG_PROPERTY = "infnet.oracle.log";
  private static final Logger LOG = LoggerFactory.getLogger(OracleTable.class);

  private OracleTable() {}

  /** Replaces the lake's oracle with {@code oracle}, which belongs to the log as it is now. */
  public static void write(SparkSession spark, Dataset<Row> oracle, LakePaths lake) {
    String log = logState(spark, lake.rawLog(), Delta.version(spark, lake.rawLog()));
    Delta.overwrite(oracle, lake.rawOracle(), "date");
    Delta.setProperties(spark, lake.rawOracle(), Map.of(LOG_PROPERTY, log));
  }

  /** Removes the oracle: the log is being replaced by data whose true probabilities nobody knows. */
  public static void delete(SparkSession spark, LakePaths lake) {
    Delta.delete(spark, lake.rawOracle());
  }

  /**
   * Whether the lake's oracle was generated with the log at {@code logVersion}; false when there is none, or (with a
   * warning) when it belongs to another state of the log and must be ignored.
   */
  public static boolean belongsTo(SparkSession spark, LakePaths lake, long logVersion) {
    String path = lake.rawOracle();
    if (!Delta.exists(spark, path)) return false;
    String expected = logState(spark, lake.rawLog(), logVersion);
    String actual = Delta.properties(spark, path).get(LOG_PROPERTY);
    if (expected.equals(actual)) return true;
    LOG.warn("ignoring {}: it was generated with the log at {}, the log read is {}", path, actual, expected);
    return false;
  }

  private static String logState(SparkSession spark, String logPath, long version) {
    return Delta.tableId(spark, logPath) + "@v" + version;
  }
}
