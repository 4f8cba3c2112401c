package io.infnet.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.infnet.config.InfnetConfig;
import io.infnet.config.choices.Split;
import io.infnet.features.spark.SparkSessions;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The reading jobs' splits by date: a rolling window with split.train_start and split.test_end, open bounds by default. */
class SplitDatesTest {
  @Test
  void aWindowSelectsItsDaysAndLabelsThemWithTheSplit() {
    SparkSession spark = SparkSessions.getOrCreate(InfnetConfig.defaults().with("spark.master=local[1]", "spark.shuffle_partitions=1"), "split-dates-test");
    List<String> days = LocalDate.parse("2022-04-01").datesUntil(LocalDate.parse("2022-04-11")).map(LocalDate::toString).toList();
    Dataset<Row> table = spark.createDataset(days, Encoders.STRING()).toDF("date").withColumn("split", org.apache.spark.sql.functions.lit("stored"));

    SplitDates window = new SplitDates("2022-04-03", "2022-04-05", "2022-04-07", "2022-04-09");
    assertEquals(List.of("2022-04-03", "2022-04-04", "2022-04-05"), dates(window, table, Split.TRAIN));
    assertEquals(List.of("2022-04-06", "2022-04-07"), dates(window, table, Split.VALID));
    assertEquals(List.of("2022-04-08", "2022-04-09"), dates(window, table, Split.TEST));
    assertEquals(days, dates(window, table, Split.ALL));
    assertEquals(List.of("valid"), window.select(table, Split.VALID).select("split").distinct().as(Encoders.STRING()).collectAsList());

    SplitDates open = SplitDates.of(InfnetConfig.defaults().with("split.train_end=2022-04-02", "split.valid_end=2022-04-04"));
    assertEquals(days.subList(0, 2), dates(open, table, Split.TRAIN));
    assertEquals(days.subList(4, 10), dates(open, table, Split.TEST));
  }

  private static List<String> dates(SplitDates s, Dataset<Row> table, Split split) {
    return s.select(table, split).select("date").orderBy("date").as(Encoders.STRING()).collectAsList();
  }
}
