package io.infnet.features;

import io.infnet.schema.FeatureSchema;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link FeatureBuilder#run} wrote: the schema (also a table property), the table and its Delta version
 * after the build, rows per split of the dates built, the data-quality report of this build, the days built
 * ({@code from..to}) and why they differ from the range asked for ({@code notes}: late or missing days).
 */
public record FeatureBuildResult(FeatureSchema schema, String tablePath, long tableVersion, Map<String, Long> rowsPerSplit,
    Dataset<Row> qualityReport, String from, String to, List<String> notes) {}
