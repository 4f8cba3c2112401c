package io.infnet.jobs.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.Split;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The splits as the job reading the feature table assigns them, from the {@code date} column and its own split keys:
 * train = [train_start, train_end], valid = (train_end, valid_end], test = (valid_end, test_end]; an empty bound is
 * open. The table's stored {@code split} column is the build's view (what the vocabularies were fitted on) and is not
 * read, so a retrain can move its window forward over days built later. With the build's keys and open bounds the
 * rows are exactly those of the stored column (FeatureBuilder's rule: train ≤ train_end < valid ≤ valid_end < test).
 *
 * @param trainStart first train day (yyyy-MM-dd), "" = from the first day
 * @param testEnd    last test day, "" = to the last day
 */
public record SplitDates(String trainStart, String trainEnd, String validEnd, String testEnd) {
  private static final String DATE = "date", SPLIT = "split";

  public static SplitDates of(InfnetConfig config) {
    return new SplitDates(config.get(Keys.SPLIT_TRAIN_START), config.get(Keys.SPLIT_TRAIN_END), config.get(Keys.SPLIT_VALID_END),
        config.get(Keys.SPLIT_TEST_END));
  }

  /** The rows of {@code split} (every row for ALL), their {@code split} column set to it. */
  public Dataset<Row> select(Dataset<Row> table, Split split) {
    if (split == Split.ALL) return table;
    return table.where(condition(split)).withColumn(SPLIT, lit(split.configName()));
  }

  /** Whether a row's date falls in {@code split}; dates are yyyy-MM-dd strings, so string order is date order. */
  public Column condition(Split split) {
    Column date = col(DATE);
    return switch (split) {
      case TRAIN -> from(date, trainStart).and(date.leq(trainEnd));
      case VALID -> date.gt(trainEnd).and(date.leq(validEnd));
      case TEST -> date.gt(validEnd).and(upTo(date, testEnd));
      case ALL -> lit(true);
    };
  }

  /** One line for messages: the window each split reads. */
  public String describe() {
    return "train " + (trainStart.isEmpty() ? "first day" : trainStart) + ".." + trainEnd + ", valid .." + validEnd + ", test .."
        + (testEnd.isEmpty() ? "last day" : testEnd) + " (split.train_start, split.train_end, split.valid_end, split.test_end)";
  }

  private static Column from(Column date, String first) {
    return first.isEmpty() ? lit(true) : date.geq(first);
  }

  private static Column upTo(Column date, String last) {
    return last.isEmpty() ? lit(true) : date.leq(last);
  }
}
