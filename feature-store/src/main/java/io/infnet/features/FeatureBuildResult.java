package io.infnet.features;

import io.infnet.schema.FeatureSchema;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link FeatureBuilder#run} wrote: the schema (also a table property), the table and its Delta version
 * after the build, rows per split of the dates built, and the data-quality report of this build.
 */
public record FeatureBuildResult(FeatureSchema schema, String tablePath, long tableVersion, Map<String, Long> rowsPerSplit,
    Dataset<Row> qualityReport) {}
