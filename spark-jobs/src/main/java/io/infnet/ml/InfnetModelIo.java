package io.infnet.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infnet.model.io.ModelExport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;

/**
 * {@link InfnetModel}'s saved form: the registry's {@code model.safetensors} and {@code manifest.json} as they are, and
 * {@code metadata/part-00000}, Spark ML's params file (class, uid, params; the layout {@code DefaultParamsReader}
 * reads, so a {@code PipelineModel} finds the stage's class). A folder without {@code metadata} (a version the CLI
 * registered) loads with the default params.
 */
final class InfnetModelIo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METADATA = "metadata/part-00000";

  private InfnetModelIo() {}

  static final class Writer extends MLWriter {
    private final InfnetModel model;

    Writer(InfnetModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      try (FileSystem fs = fileSystem(sparkSession(), path)) {
        write(fs, new Path(path, ModelExport.WEIGHTS_FILE), model.weightsBytes());
        write(fs, new Path(path, ModelExport.MANIFEST_FILE), model.manifestBytes());
        write(fs, new Path(path, METADATA), metadata(model, sparkSession().version()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the model to " + path + ": " + e.getMessage(), e);
      }
    }
  }

  static final class Reader extends MLReader<InfnetModel> {
    @Override
    public InfnetModel load(String path) {
      try (FileSystem fs = fileSystem(sparkSession(), path)) {
        return load(fs, path);
      } catch (IOException e) {
        throw new UncheckedIOException("InfnetModel.load(" + path + "): " + e.getMessage(), e);
      }
    }

    private InfnetModel load(FileSystem fs, String path) {
      Path manifest = new Path(path, ModelExport.MANIFEST_FILE);
      if (!exists(fs, manifest)) {
        throw new IllegalArgumentException("InfnetModel.load: " + path + " holds no " + ModelExport.MANIFEST_FILE
            + ": expected a saved InfnetModel or a registered model version (lake/models/<name>/<version>)");
      }
      byte[] manifestBytes = readAll(fs, manifest);
      try {
        Path metadata = new Path(path, METADATA);
        if (!exists(fs, metadata)) return InfnetModel.of(manifestBytes, readAll(fs, new Path(path, ModelExport.WEIGHTS_FILE)));
        JsonNode meta = JSON.readTree(readAll(fs, metadata));
        InfnetModel model = new InfnetModel(meta.get("uid").asText(), manifestBytes, readAll(fs, new Path(path, ModelExport.WEIGHTS_FILE)));
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("paramMap").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          model.restore(e.getKey(), e.getValue().toString());
        }
        return model;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("InfnetModel.load(" + path + "): " + e.getMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException("InfnetModel.load(" + path + "): " + e.getMessage(), e);
      }
    }
  }

  /** Spark ML's metadata JSON: explicitly set params under paramMap, defaults under defaultParamMap. */
  static byte[] metadata(InfnetModel model, String sparkVersion) {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("class", InfnetModel.class.getName());
    meta.put("timestamp", System.currentTimeMillis());
    meta.put("sparkVersion", sparkVersion);
    meta.put("uid", model.uid());
    ObjectNode set = meta.putObject("paramMap");
    ObjectNode defaults = meta.putObject("defaultParamMap");
    for (Param<?> p : model.params()) {
      if (model.isSet(p)) set.set(p.name(), encode(p, model.getOrDefault(p)));
      if (model.hasDefault(p)) defaults.set(p.name(), encode(p, model.getDefault(p).get()));
    }
    try {
      return JSON.writeValueAsBytes(meta);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  /**
   * A private instance without Hadoop's {@code .crc} side files: the folder holds exactly the registry's files (whose
   * integrity the manifest's sha256 guards), whatever wrote or copied them.
   */
  private static FileSystem fileSystem(SparkSession spark, String path) {
    try {
      FileSystem fs = FileSystem.newInstance(new Path(path).toUri(), spark.sparkContext().hadoopConfiguration());
      fs.setWriteChecksum(false);
      fs.setVerifyChecksum(false);
      return fs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
    }
  }

  private static boolean exists(FileSystem fs, Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readAll(FileSystem fs, Path p) {
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static void write(FileSystem fs, Path p, byte[] bytes) {
    try (OutputStream out = fs.create(p, true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
    }
  }
}
