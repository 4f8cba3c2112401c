package io.infnet.features;

import static org.apache.spark.sql.functions.col;

import io.infnet.features.raw.OracleTable;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.spark.Delta;
import io.infnet.lake.LakePaths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The three raw Delta tables, each checked against its declared schema, pinned at the version read, and the
 * generator's oracle when it belongs to that version of the log (empty otherwise: real or changed data).
 */
record RawInputs(Source log, Source users, Source videos, Optional<Source> oracle) {

  /** One raw table read at {@code version}. */
  record Source(String name, String path, long version, Dataset<Row> data) {
    Source where(Column condition) {
      return new Source(name, path, version, data.where(condition));
    }
  }

  static RawInputs load(SparkSession spark, LakePaths lake) {
    Source log = source(spark, "log", lake.rawLog(), RawSchemas.LOG);
    Optional<Source> oracle = OracleTable.belongsTo(spark, lake, log.version())
        ? Optional.of(source(spark, "oracle", lake.rawOracle(), RawSchemas.ORACLE)) : Optional.empty();
    return new RawInputs(log, source(spark, "users", lake.rawUsers(), RawSchemas.USERS),
        source(spark, "videos", lake.rawVideos(), RawSchemas.VIDEOS), oracle);
  }

  private static Source source(SparkSession spark, String name, String path, StructType schema) {
    if (!Delta.exists(spark, path)) {
      throw new IllegalArgumentException("raw table '" + name + "' not found: no Delta table at " + path
          + " (run `bin/infnet datagen` or load the raw data first)");
    }
    long version = Delta.version(spark, path);
    // Time travel to the version recorded, so the properties describe exactly what was read.
    Dataset<Row> data = spark.read().format("delta").option("versionAsOf", version).load(path);
    RawSchemas.requireSchema(data, schema, name);
    return new Source(name, path, version, data.selectExpr(RawSchemas.columnsOf(data, schema)));
  }

  /**
   * The log (and oracle) rows of the plan's days only: a day's build reads that day's partitions, not the history.
   * Users and videos stay whole (they are tables of ids, not of days).
   */
  RawInputs restrictedTo(BuildPlan plan) {
    if (plan.isFull()) return this;
    Column days = col("date").between(BuildPlan.logDay(plan.from()), BuildPlan.logDay(plan.to()));
    return new RawInputs(log.where(days), users, videos, oracle.map(o -> o.where(days)));
  }

  /** Table properties recording the inputs: version and row count per raw table (the oracle's path and version). */
  Map<String, String> lineage(Map<String, Long> rowCounts) {
    Map<String, String> props = new LinkedHashMap<>();
    for (Source s : new Source[] {log, users, videos}) {
      props.put("infnet.source." + s.name() + ".path", s.path());
      props.put("infnet.source." + s.name() + ".version", String.valueOf(s.version()));
      props.put("infnet.source." + s.name() + ".rows", String.valueOf(rowCounts.get(s.name())));
    }
    oracle.ifPresent(s -> {
      props.put("infnet.source.oracle.path", s.path());
      props.put("infnet.source.oracle.version", String.valueOf(s.version()));
    });
    return props;
  }
}
