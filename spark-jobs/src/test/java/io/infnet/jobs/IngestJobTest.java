package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.features.raw.RawSchemas;
import io.infnet.jobs.TempLakeJobs.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/infnet ingest} through {@link Main}: one line per table written, one error line and the exit code otherwise. */
class IngestJobTest {
  private static final long T = 1_649_412_000_000L;
  @TempDir Path tmp;

  private TempLakeJobs jobs() {
    return new TempLakeJobs(tmp);
  }

  @Test
  void ingestsADayPrintingOneLinePerTable() throws IOException {
    Path log = jobs().csv("log.csv", RawSchemas.LOG.fieldNames(), impression(1, 10, 20220408, T), impression(2, 11, 20220408, T + 1));
    Path users = jobs().csv("users.csv", RawSchemas.USERS.fieldNames(), "7" + ",".repeat(RawSchemas.USERS.size() - 1));

    Result r = jobs().main("ingest", "--date=2022-04-08", "--log=" + log, "--users=" + users);

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("ingest: 2022-04-08: 2 impressions (replaced 0) -> file:" + tmp.resolve("lake/raw/log"),
        "ingest: 2022-04-08: users 1 inserted, 0 updated -> file:" + tmp.resolve("lake/raw/users")), r.out().lines().toList());
  }

  @Test
  void aRowOfAnotherDayIsOneErrorLineAndNothingIsWritten() throws IOException {
    Path log = jobs().csv("log.csv", RawSchemas.LOG.fieldNames(), impression(1, 10, 20220408, T), impression(1, 11, 20220409, T + 1));

    Result r = jobs().main("ingest", "--date=20220408", "--log=" + log);

    assertEquals(1, r.code(), r.err());
    assertEquals(List.of("infnet: error: ingest: log file " + log + ": 1 rows have a date other than 20220408 (e.g. 20220409); "
        + "nothing was written"), r.err().lines().toList());
    assertFalse(Files.exists(tmp.resolve("lake/raw/log")));
  }

  @Test
  void commandLineMistakesAreUsageErrorsAndAMissingFileNamesItsFlag() {
    Result noDate = jobs().main("ingest", "--log=x.csv");
    assertEquals(2, noDate.code(), noDate.err());
    assertTrue(noDate.err().contains("infnet: error: ingest needs --date=yyyy-MM-dd and --log=PATH (missing --date)"), noDate.err());

    Result badDate = jobs().main("ingest", "--date=2022-04-31", "--log=x.csv");
    assertEquals(2, badDate.code(), badDate.err());
    assertTrue(badDate.err().contains("--date: date '2022-04-31' is not a day as yyyy-MM-dd or yyyyMMdd"), badDate.err());

    Result missing = jobs().main("ingest", "--date=2022-04-08", "--log=" + tmp.resolve("none.csv"));
    assertEquals(1, missing.code(), missing.err());
    assertTrue(missing.err().contains("infnet: error: ingest: --log " + tmp.resolve("none.csv") + " does not exist"), missing.err());
  }

  private static String impression(long user, long video, int date, long timeMs) {
    return user + "," + video + "," + date + ",1000," + timeMs + ",0".repeat(RawSchemas.LOG.size() - 5);
  }
}
