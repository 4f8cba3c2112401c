package io.infnet.jobs.dist;

import io.infnet.jobs.LocalTempDir;
import io.infnet.jobs.lake.AtomicPublish;
import io.infnet.json.Jsons;
import io.infnet.lake.Checksums;
import io.infnet.model.train.LoopState;
import io.infnet.model.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import io.infnet.model.train.shard.EmbeddingShard;
import io.infnet.model.train.shard.ShardFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checkpoints of one training run in the lake ({@code checkpoints/<run>/step-<N>/}): the trainer's files (weights,
 * optimizer state, step), the loop's state ({@code loop.json}: epoch, early-stopping state, history, data position)
 * and {@code checksums.json} (sha256 of every file). A checkpoint appears atomically (staged, then renamed); a
 * corrupted one is refused, never loaded.
 */
final class CheckpointStore {
  static final String LOOP_STATE = "loop.json";
  /** In a checkpoint of sharded tables: every worker's shard files ({@link #writeShard}) with their sha256. */
  static final String SHARDS = "shards.json";
  private static final String SHARD_DIR = "shards";
  private static final String CHECKSUMS = "checksums.json";
  private final Path root;
  private final FileSystem fs;
  private final int keep;

  /** A store for reading; it never deletes. */
  CheckpointStore(String root, Configuration conf) throws IOException {
    this(root, conf, 0);
  }

  /** A store that keeps the newest {@code keep} checkpoints after each save (0 = all). */
  CheckpointStore(String root, Configuration conf, int keep) throws IOException {
    this.root = new Path(root);
    this.fs = this.root.getFileSystem(conf);
    this.keep = keep;
  }

  /** Writes the trainer's state plus the loop's state as checkpoint {@code step-<trainer.stepCount()>}. */
  void save(Trainer trainer, LoopState loopState, Map<String, byte[]> extraFiles) throws IOException {
    try (LocalTempDir tmp = new LocalTempDir("infnet-ckpt-")) {
      java.nio.file.Path local = tmp.path();
      trainer.saveCheckpoint(local);
      Files.writeString(local.resolve(LOOP_STATE), Jsons.write(loopState), StandardCharsets.UTF_8);
      for (Map.Entry<String, byte[]> e : extraFiles.entrySet()) Files.write(local.resolve(e.getKey()), e.getValue());
      Map<String, String> sums = new LinkedHashMap<>();
      try (var files = Files.list(local)) {
        for (java.nio.file.Path f : files.sorted().toList()) sums.put(f.getFileName().toString(), Checksums.sha256(Files.readAllBytes(f)));
      }
      Files.writeString(local.resolve(CHECKSUMS), Jsons.write(sums), StandardCharsets.UTF_8);
      publish(local, new Path(root, "step-" + trainer.stepCount()));
    }
    if (keep > 0) prune();
  }

  /** A failed write (full disk, no permission) names the checkpoint and what is still there to resume from. */
  private void publish(java.nio.file.Path local, Path target) throws IOException {
    try {
      AtomicPublish.directory(fs, local, target);
    } catch (IOException e) {
      Optional<Long> previous = latestStep();
      throw new IOException("cannot write checkpoint " + target + ": " + e.getMessage() + " ("
          + previous.map(s -> "step-" + s + " is intact").orElse("no earlier checkpoint") + ")", e);
    }
  }

  /**
   * Writes one worker's embedding shards for checkpoint {@code step} beside it ({@code shards/step-<N>/<file>}): every
   * worker writes its own in parallel, before worker 0 publishes the checkpoint that lists them with their sha256
   * ({@link #SHARDS}); a shard file no published checkpoint lists is never read. Returns the file's sha256.
   */
  String writeShard(long step, String file, Map<String, EmbeddingShard.Contents> tables) throws IOException {
    MessageDigest sha = Checksums.newSha256();
    try (OutputStream out = new DigestOutputStream(fs.create(shardPath(step, file), true), sha)) {
      ShardFile.write(tables, out);
    }
    return Checksums.hex(sha.digest());
  }

  /** Reads one shard file of checkpoint {@code step}, refusing it unless its sha256 is {@code expectedSha256}. */
  Map<String, EmbeddingShard.Contents> readShard(long step, String file, String expectedSha256) throws IOException {
    Path path = shardPath(step, file);
    MessageDigest sha = Checksums.newSha256();
    Map<String, EmbeddingShard.Contents> tables;
    try (InputStream in = new DigestInputStream(fs.open(path), sha)) {
      tables = ShardFile.read(in, path.toString());
      in.transferTo(OutputStream.nullOutputStream());
    }
    if (!Checksums.hex(sha.digest()).equals(expectedSha256)) {
      throw new IOException("checkpoint shard " + path + " is corrupted: it does not match its sha256; refusing to load it");
    }
    return tables;
  }

  private Path shardPath(long step, String file) {
    return new Path(new Path(new Path(root, SHARD_DIR), "step-" + step), file);
  }

  /** Drops all but the newest {@code keep} checkpoints (and their shards), and staging left by a writer that died mid-save. */
  private void prune() throws IOException {
    List<Long> steps = steps();
    for (int i = 0; i < steps.size() - keep; i++) {
      fs.delete(new Path(root, "step-" + steps.get(i)), true);
      fs.delete(new Path(new Path(root, SHARD_DIR), "step-" + steps.get(i)), true);
    }
    AtomicPublish.clearStaging(fs, root);
  }

  /** The published checkpoints' steps, oldest first. */
  private List<Long> steps() throws IOException {
    if (!fs.exists(root)) return List.of();
    return java.util.Arrays.stream(fs.listStatus(root)).map(FileStatus::getPath).map(Path::getName)
        .filter(n -> n.matches("step-[0-9]+")).map(n -> Long.parseLong(n.substring(5))).sorted().toList();
  }

  /** The newest checkpoint's step, if any. */
  Optional<Long> latestStep() throws IOException {
    List<Long> steps = steps();
    return steps.isEmpty() ? Optional.empty() : Optional.of(steps.get(steps.size() - 1));
  }

  /** Restores the trainer from checkpoint {@code step} after checking every file's sha256; returns the loop state and extra files. */
  Restored restore(Trainer trainer, long step, Iterable<String> extraFiles) throws IOException {
    Path dir = new Path(root, "step-" + step);
    try (LocalTempDir tmp = new LocalTempDir("infnet-ckpt-")) {
      java.nio.file.Path local = tmp.path();
      fs.copyToLocalFile(false, dir, new Path(local.toUri()), true);
      java.nio.file.Path files = local.resolve(dir.getName());
      Map<String, String> sums = checksums(dir, files);
      for (Map.Entry<String, String> e : sums.entrySet()) {
        java.nio.file.Path f = files.resolve(e.getKey());
        if (!Files.exists(f) || !Checksums.sha256(Files.readAllBytes(f)).equals(e.getValue())) {
          throw new IOException("checkpoint " + dir + " is corrupted: " + e.getKey() + " does not match its sha256; refusing to load it");
        }
      }
      trainer.restoreCheckpoint(files);
      Map<String, byte[]> extra = new LinkedHashMap<>();
      for (String name : extraFiles) {
        java.nio.file.Path f = files.resolve(name);
        if (Files.exists(f)) extra.put(name, Files.readAllBytes(f));
      }
      java.nio.file.Path loop = files.resolve(LOOP_STATE);
      return new Restored(Jsons.read(Files.readString(loop, StandardCharsets.UTF_8), LoopState.class, dir + "/" + LOOP_STATE), extra);
    }
  }

  /** The checkpoint's checksums, which must list every file in it: an unlisted file would be loaded unchecked. */
  private static Map<String, String> checksums(Path dir, java.nio.file.Path files) throws IOException {
    if (!Files.exists(files.resolve(CHECKSUMS))) throw new IOException("checkpoint " + dir + " has no " + CHECKSUMS + "; refusing to load it");
    Map<String, String> sums = Jsons.readMap(Files.readString(files.resolve(CHECKSUMS)), String.class, dir + "/" + CHECKSUMS);
    if (sums == null) throw new IOException("checkpoint " + dir + ": " + CHECKSUMS + " is empty; refusing to load it");
    try (var listing = Files.list(files)) {
      for (String name : listing.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.equals(CHECKSUMS)).toList()) {
        if (!sums.containsKey(name)) throw new IOException("checkpoint " + dir + " holds " + name + ", which " + CHECKSUMS + " does not list; refusing to load it");
      }
    }
    return sums;
  }

  record Restored(LoopState loopState, Map<String, byte[]> files) {}

  /** Reads one file of a checkpoint (the driver fetches the final weights this way). */
  byte[] read(long step, String name) throws IOException {
    try (InputStream in = fs.open(new Path(new Path(root, "step-" + step), name))) {
      return in.readAllBytes();
    }
  }

  /** A small file next to the checkpoints (the progress line, TRAINED), replaced whole: readers never see half of it. */
  void writeMarker(String name, String content) throws IOException {
    AtomicPublish.file(fs, new Path(root, name), content.getBytes(StandardCharsets.UTF_8));
  }


}
