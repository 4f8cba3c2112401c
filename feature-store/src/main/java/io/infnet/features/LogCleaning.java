package io.infnet.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.infnet.features.raw.RawSchemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Drops invalid log rows and counts each by reason (docs/DATA_POLICY.md), then keeps one row per impression
 * (user, video, time_ms). Adds {@value #DAY}, the impression's day as yyyy-MM-dd. Written without parsing
 * functions that ANSI mode turns into errors: a bad value must be counted, not crash the job.
 */
final class LogCleaning {
  static final String DAY = "__day";
  private static final String REASON = "__drop_reason";

  private LogCleaning() {}

  /** @param latestMs the build's clock plus features.future_tolerance_hours: later timestamps are future ones */
  static Dataset<Row> clean(Dataset<Row> log, long latestMs, QualityReport quality) {
    Dataset<Row> flagged = log.withColumn(REASON, dropReason(latestMs));
    long total = 0, valid = 0;
    for (Row r : flagged.groupBy(REASON).count().collectAsList()) {
      total += r.getLong(1);
      if (r.isNullAt(0)) valid = r.getLong(1);
      else quality.add(QualityReport.DROPPED, r.getString(0), r.getLong(1));
    }
    quality.add(QualityReport.ROWS, "log_in", total);
    quality.add(QualityReport.ROWS, "log_valid", valid);

    Dataset<Row> deduplicated = withDay(firstOfEachImpression(flagged.where(col(REASON).isNull()).drop(REASON)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long kept = deduplicated.count();
    quality.add(QualityReport.DROPPED, "duplicate_impression", valid - kept);
    quality.add(QualityReport.ROWS, "log_deduplicated", kept);
    return deduplicated;
  }

  /** Adds {@value #DAY} from a valid {@code date}: the day the feature table and predictions are partitioned by. */
  static Dataset<Row> withDay(Dataset<Row> rows) {
    return rows.withColumn(DAY, format_string("%04d-%02d-%02d", year(), month(), dayOfMonth()));
  }

  /** The first applicable reason, in the order of docs/DATA_POLICY.md; null = valid. */
  private static Column dropReason(long latestMs) {
    Column badFlag = lit(false);
    for (String flag : RawSchemas.LOG_FLAGS) badFlag = badFlag.or(col(flag).isNotNull().and(not(col(flag).isin(0, 1))));
    return when(col("user_id").isNull().or(col("video_id").isNull()).or(col("time_ms").isNull()).or(col("date").isNull()), "null_key")
        .when(not(validDate()), "unparseable_date")
        .when(col("hourmin").isNotNull().and(not(validHourmin())), "unparseable_hourmin")
        .when(col("time_ms").leq(0), "unparseable_timestamp")
        .when(col("time_ms").gt(latestMs), "future_timestamp")
        .when(badFlag, "flag_outside_0_1");
  }

  /**
   * Keeps, among rows of the same (user, video, time_ms), the smallest in the order of all other columns:
   * deterministic, and a hash aggregation rather than a sort.
   */
  private static Dataset<Row> firstOfEachImpression(Dataset<Row> rows) {
    List<Column> others = new ArrayList<>();
    for (String c : rows.columns()) if (!RawSchemas.IMPRESSION_KEY.contains(c)) others.add(col(c));
    return rows.groupBy(RawSchemas.IMPRESSION_KEY.stream().map(c -> col(c)).toArray(Column[]::new))
        .agg(min(struct(others.toArray(Column[]::new))).as("__first"))
        .select(col("user_id"), col("video_id"), col("time_ms"), col("__first.*"));
  }

  private static Column year() {
    return col("date").divide(10000).cast("int");
  }

  private static Column month() {
    return col("date").divide(100).cast("int").mod(100);
  }

  private static Column dayOfMonth() {
    return col("date").mod(100);
  }

  /** yyyyMMdd with a real calendar day (leap years included). */
  static Column validDate() {
    Column y = year(), m = month(), d = dayOfMonth();
    Column leap = y.mod(4).equalTo(0).and(y.mod(100).notEqual(0).or(y.mod(400).equalTo(0)));
    Column daysInMonth = when(m.equalTo(2), when(leap, 29).otherwise(28))
        .when(m.isin(4, 6, 9, 11), 30)
        .otherwise(31);
    return y.between(1970, 9999).and(m.between(1, 12)).and(d.geq(1)).and(d.leq(daysInMonth));
  }

  static Column validHourmin() {
    Column h = col("hourmin").divide(100).cast("int"), minute = col("hourmin").mod(100);
    return col("hourmin").geq(0).and(h.leq(23)).and(minute.leq(59));
  }
}
