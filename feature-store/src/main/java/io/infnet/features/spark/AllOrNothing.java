package io.infnet.features.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Several Delta tables written as one unit. Each Delta write is its own atomic commit, but there is no commit across
 * tables; so the versions of every table are noted first and, if any write fails, the tables already written are
 * restored to them ({@code RESTORE}, a new commit) or deleted if the writes created them. A reader between two writes
 * can see the new version of one table and the old of another; after a crash (no chance to restore) rerunning the
 * same writes repairs the lake, as long as they are idempotent (overwrite, replaceWhere, MERGE).
 */
public final class AllOrNothing {
  private AllOrNothing() {}

  /** Runs {@code writes}, which may change the tables at {@code paths}; on failure puts them all back and rethrows. */
  public static <T> T write(SparkSession spark, List<String> paths, Supplier<T> writes) {
    Map<String, Long> before = versions(spark, paths);
    try {
      return writes.get();
    } catch (RuntimeException e) {
      restore(spark, before, e);
      throw e;
    }
  }

  /** Each table's current Delta version, -1 where there is no table. */
  public static Map<String, Long> versions(SparkSession spark, List<String> paths) {
    Map<String, Long> versions = new LinkedHashMap<>();
    for (String path : paths) versions.put(path, version(spark, path));
    return versions;
  }

  /** A restore that fails too is attached to {@code failure}, not thrown over it: the first cause is what the user must see. */
  private static void restore(SparkSession spark, Map<String, Long> before, RuntimeException failure) {
    before.forEach((path, version) -> {
      try {
        if (version(spark, path) == version) return;
        if (version < 0) Delta.delete(spark, path);
        else Delta.restore(spark, path, version);
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
    });
  }

  private static long version(SparkSession spark, String path) {
    return Delta.exists(spark, path) ? Delta.version(spark, path) : -1;
  }
}
