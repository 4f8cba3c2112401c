package io.infnet.features.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.SparkSession;

/**
 * The files of a saved Spark ML stage: {@code metadata/part-00000}, Spark ML's params file (class, uid, params; the
 * layout {@code DefaultParamsReader} reads, so a {@code PipelineModel} finds the stage's class), written by hand so that
 * the same code runs on both Spark lines, and the stage's own files, read and written through a Hadoop file system
 * without {@code .crc} side files.
 */
public final class MlStageFiles implements AutoCloseable {
  public static final String METADATA = "metadata/part-00000";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FileSystem fs;
  private final String root;

  private MlStageFiles(FileSystem fs, String root) {
    this.fs = fs;
    this.root = root;
  }

  /**
   * The folder {@code path}, through a private file system instance without Hadoop's {@code .crc} side files: the folder
   * holds exactly the stage's files, whatever wrote or copied them.
   */
  public static MlStageFiles at(SparkSession spark, String path) {
    try {
      FileSystem fs = FileSystem.newInstance(new Path(path).toUri(), spark.sparkContext().hadoopConfiguration());
      fs.setWriteChecksum(false);
      fs.setVerifyChecksum(false);
      return new MlStageFiles(fs, path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
    }
  }

  public boolean exists(String relative) {
    try {
      return fs.exists(new Path(root, relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] read(String relative) {
    Path p = new Path(root, relative);
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  public void write(String relative, byte[] bytes) {
    Path p = new Path(root, relative);
    try (OutputStream out = fs.create(p, true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
    }
  }

  /** Writes Spark ML's metadata of {@code stage}: set params under paramMap, defaults under defaultParamMap, plus {@code extra}. */
  public void writeMetadata(Params stage, String sparkVersion, Map<String, String> extra) {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("class", stage.getClass().getName());
    meta.put("timestamp", System.currentTimeMillis());
    meta.put("sparkVersion", sparkVersion);
    meta.put("uid", stage.uid());
    ObjectNode set = meta.putObject("paramMap");
    ObjectNode defaults = meta.putObject("defaultParamMap");
    for (Param<?> p : stage.params()) {
      if (stage.isSet(p)) set.set(p.name(), encode(p, stage.getOrDefault(p)));
      if (stage.hasDefault(p)) defaults.set(p.name(), encode(p, stage.getDefault(p).get()));
    }
    extra.forEach(meta::put);
    try {
      write(METADATA, JSON.writeValueAsBytes(meta));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The metadata written by {@link #writeMetadata}. */
  public JsonNode metadata() {
    try {
      return JSON.readTree(read(METADATA));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + new Path(root, METADATA) + ": " + e.getMessage(), e);
    }
  }

  /** Sets on {@code stage} every param saved as set in {@code metadata}. */
  @SuppressWarnings("unchecked")
  public static void restoreParams(Params stage, JsonNode metadata) {
    for (Iterator<Map.Entry<String, JsonNode>> it = metadata.path("paramMap").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Param<Object> param = (Param<Object>) stage.getParam(e.getKey());
      stage.set(param, param.jsonDecode(e.getValue().toString()));
    }
  }

  @SuppressWarnings("unchecked")
  private static JsonNode encode(Param<?> param, Object value) {
    try {
      return JSON.readTree(((Param<Object>) param).jsonEncode(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      fs.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
