package io.infnet.jobs.registry;

import io.infnet.jobs.JobFailure;
import io.infnet.jobs.LocalTempDir;
import io.infnet.jobs.lake.AtomicPublish;
import io.infnet.model.ModelSpec;
import io.infnet.model.io.ModelExport;
import io.infnet.model.io.Provenance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@link ModelStore} on any Hadoop file system: {@code models/<name>/<version>/} holding {@code model.safetensors} and
 * {@code manifest.json}, and a {@code models/<name>/PRODUCTION} pointer. A version appears atomically
 * ({@link io.infnet.jobs.lake.AtomicPublish}), so a reader never sees half a model.
 */
public final class ModelRegistry implements ModelStore {
  public static final String WEIGHTS = ModelExport.WEIGHTS_FILE;
  public static final String MANIFEST = ModelExport.MANIFEST_FILE;
  private static final String PRODUCTION = "PRODUCTION";

  private final Path root;
  private final FileSystem fs;

  public ModelRegistry(String modelsRoot, Configuration hadoopConf) {
    try {
      this.root = new Path(modelsRoot);
      this.fs = root.getFileSystem(hadoopConf);
    } catch (IOException e) {
      throw new JobFailure("model registry " + modelsRoot + " cannot be opened: " + e.getMessage());
    }
  }

  /**
   * Registers {@code weights} (safetensors bytes of a model of {@code spec}, e.g. the training checkpoint's, published as
   * they are) with their manifest and provenance as the next version of {@code name}.
   */
  @Override
  public Entry register(String name, ModelSpec spec, byte[] weights, Provenance provenance) throws IOException {
    try (LocalTempDir tmp = new LocalTempDir("infnet-model-")) {
      ModelExport.write(tmp.path(), ModelExport.manifest(spec, weights, provenance), weights);
      Path modelDir = new Path(root, name);
      Path target = AtomicPublish.directoryAsNew(fs, tmp.path(), modelDir, attempt -> new Path(modelDir, String.valueOf(latestVersion(name) + 1)));
      return new Entry(name, Integer.parseInt(target.getName()), target.toString());
    }
  }

  /**
   * Adds a file to a registered version (the run report: it names the version, so it is written after registration).
   * Written aside, then renamed: a reader sees the whole file or none. Returns its path.
   */
  @Override
  public String attach(Entry entry, String fileName, byte[] content) throws IOException {
    if (fileName.equals(WEIGHTS) || fileName.equals(MANIFEST)) {
      throw new IllegalArgumentException(fileName + " is the model itself, not an attachment");
    }
    Path target = new Path(new Path(entry.path()), fileName);
    AtomicPublish.file(fs, target, content);
    return target.toString();
  }

  /** Resolves "latest", "production" or a version number to a registered version. */
  @Override
  public Entry resolve(String name, String selector) throws IOException {
    int version;
    if (selector.equals("latest")) {
      version = latestVersion(name);
      if (version == 0) throw new JobFailure("no model '" + name + "' in " + root + ": run 'bin/infnet train' first");
    } else if (selector.equals("production")) {
      return production(name).orElseThrow(() -> new JobFailure("model '" + name + "' has no production version: promote one first"));
    } else if (selector.matches("[0-9]+")) {
      version = Integer.parseInt(selector);
    } else {
      throw new JobFailure("score.model: expected latest, production or a version number, got '" + selector + "'");
    }
    Path dir = new Path(new Path(root, name), String.valueOf(version));
    if (!fs.exists(new Path(dir, MANIFEST))) throw new JobFailure("model '" + name + "' has no version " + version + " in " + root);
    return new Entry(name, version, dir.toString());
  }

  @Override
  public Optional<Entry> production(String name) throws IOException {
    Path pointer = new Path(new Path(root, name), PRODUCTION);
    if (!fs.exists(pointer)) return Optional.empty();
    return Optional.of(resolve(name, new String(readAll(pointer), StandardCharsets.UTF_8).trim()));
  }

  /** Points {@code production} at a registered version (written aside, then renamed over the pointer). */
  @Override
  public void promote(Entry entry) throws IOException {
    Path pointer = new Path(new Path(root, entry.name()), PRODUCTION);
    AtomicPublish.file(fs, pointer, (entry.version() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Artifact read(Entry entry) throws IOException {
    Path dir = new Path(entry.path());
    return new Artifact(entry, readAll(new Path(dir, MANIFEST)), readAll(new Path(dir, WEIGHTS)));
  }

  @Override
  public List<Integer> versions(String name) throws IOException {
    Path modelDir = new Path(root, name);
    List<Integer> out = new ArrayList<>();
    if (!fs.exists(modelDir)) return out;
    for (FileStatus s : fs.listStatus(modelDir)) {
      String n = s.getPath().getName();
      if (s.isDirectory() && n.matches("[0-9]+")) out.add(Integer.parseInt(n));
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private int latestVersion(String name) throws IOException {
    List<Integer> v = versions(name);
    return v.isEmpty() ? 0 : v.get(v.size() - 1);
  }

  private byte[] readAll(Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toByteArray();
    }
  }

}
