package io.infnet.features.raw;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Reading raw inputs in their declared schema. */
public final class RawTables {
  private RawTables() {}

  /**
   * A KuaiRand-style CSV (header line, quoted fields with commas, empty = null) read with {@code schema}. The
   * header must name the schema's columns in order and every value must parse, or the read fails.
   */
  public static Dataset<Row> readCsv(SparkSession spark, String path, StructType schema) {
    return spark.read()
        .option("header", "true")
        .option("enforceSchema", "false")
        .option("mode", "FAILFAST")
        .option("quote", "\"")
        .option("escape", "\"")
        .schema(schema)
        .csv(path);
  }
}
