package io.infnet.jobs.lake;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one way files and folders appear in the lake outside Delta tables (models, checkpoints, pointers, reports,
 * progress): written aside in the same folder, then renamed into place, so a reader sees the whole thing or nothing.
 * A writer that dies mid-publish leaves only {@code .staging-*} entries, which {@link #clearStaging} removes.
 */
public final class AtomicPublish {
  private static final String STAGING = ".staging-";

  private AtomicPublish() {}

  /** Writes {@code content} as {@code target}, replacing it. */
  public static void file(FileSystem fs, Path target, byte[] content) throws IOException {
    Path aside = new Path(target.getParent(), STAGING + target.getName() + "-" + UUID.randomUUID());
    try (OutputStream out = fs.create(aside, false)) {
      out.write(content);
    }
    fs.delete(target, false);
    if (!fs.rename(aside, target)) {
      fs.delete(aside, false);
      throw new IOException("could not publish " + target);
    }
  }

  /** Copies the local folder {@code local} to {@code target}, replacing it. */
  public static void directory(FileSystem fs, java.nio.file.Path local, Path target) throws IOException {
    Path staging = stage(fs, local, target.getParent());
    fs.delete(target, true);
    if (!fs.rename(staging, target)) {
      fs.delete(staging, true);
      throw new IOException("could not publish " + target);
    }
  }

  /**
   * Copies the local folder {@code local} under {@code parent} as the first name of {@code candidates} (tried from 0)
   * that is free: a rename onto a taken name fails, so concurrent writers never share one. Returns where it landed.
   */
  public static Path directoryAsNew(FileSystem fs, java.nio.file.Path local, Path parent, Candidates candidates)
      throws IOException {
    Path staging = stage(fs, local, parent);
    for (int attempt = 0; attempt < 100; attempt++) {
      Path target = candidates.name(attempt);
      if (!fs.exists(target) && fs.rename(staging, target)) return target;
    }
    fs.delete(staging, true);
    throw new IOException("could not claim a free name under " + parent);
  }

  /** The names {@link #directoryAsNew} tries, e.g. the next version number (may look at the lake). */
  @FunctionalInterface
  public interface Candidates {
    Path name(int attempt) throws IOException;
  }

  /** Removes what writers that died mid-publish left under {@code parent}. */
  public static void clearStaging(FileSystem fs, Path parent) throws IOException {
    if (!fs.exists(parent)) return;
    for (FileStatus s : fs.listStatus(parent)) {
      if (s.getPath().getName().startsWith(STAGING)) fs.delete(s.getPath(), true);
    }
  }

  private static Path stage(FileSystem fs, java.nio.file.Path local, Path parent) throws IOException {
    fs.mkdirs(parent);
    Path staging = new Path(parent, STAGING + UUID.randomUUID());
    fs.copyFromLocalFile(false, true, new Path(local.toUri()), staging);
    return staging;
  }
}
