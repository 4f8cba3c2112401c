package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.infnet.features.raw.RawSchemas;
import io.infnet.jobs.TempLakeJobs.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/infnet import} through {@link Main}: a refused input is one error line naming file, row, column and value; nothing written. */
class ImportJobTest {
  @TempDir Path tmp;

  private TempLakeJobs jobs() {
    return new TempLakeJobs(tmp);
  }

  @Test
  void aBadValueIsOneErrorLineAndAnEmptyLogNeedsAllowEmpty() throws IOException {
    Path users = jobs().csv("users.csv", RawSchemas.USERS.fieldNames(), "7" + ",".repeat(RawSchemas.USERS.size() - 1));
    Path videos = jobs().csv("videos.csv", RawSchemas.VIDEOS.fieldNames(), "10" + ",".repeat(RawSchemas.VIDEOS.size() - 1));
    Path badLog = jobs().csv("log.csv", RawSchemas.LOG.fieldNames(), impression("7"), impression("abc"));

    Result bad = jobs().main("import", "--log=" + badLog, "--users=" + users, "--videos=" + videos);

    assertEquals(1, bad.code(), bad.err());
    assertEquals(List.of("infnet: error: import: log file " + badLog + ": row 2, column user_id: 'abc' is not a long (1 of 2 rows); "
        + "nothing was written"), bad.err().lines().toList());
    assertFalse(Files.exists(tmp.resolve("lake/raw/log")));

    Path headerOnly = jobs().csv("empty.csv", RawSchemas.LOG.fieldNames());
    Result empty = jobs().main("import", "--log=" + headerOnly, "--users=" + users, "--videos=" + videos);
    assertEquals(List.of("infnet: error: import: log file " + headerOnly + ": no rows (an empty or header-only file): a missing "
        + "delivery must not silently become an empty table (--allow-empty accepts it); nothing was written"), empty.err().lines().toList());
    assertFalse(Files.exists(tmp.resolve("lake/raw/log")));

    Result allowed = jobs().main("import", "--log=" + headerOnly, "--users=" + users, "--videos=" + videos, "--allow-empty");
    assertEquals(0, allowed.code(), allowed.err());
    assertEquals("import: 0 impressions -> file:" + tmp.resolve("lake/raw/log"), allowed.out().lines().findFirst().orElse(""));
  }

  private static String impression(String user) {
    return user + ",10,20220408,1000,1649412000000" + ",0".repeat(RawSchemas.LOG.size() - 5);
  }
}
