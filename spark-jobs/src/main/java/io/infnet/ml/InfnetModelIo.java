package io.infnet.ml;

import com.fasterxml.jackson.databind.JsonNode;
import io.infnet.features.spark.MlStageFiles;
import io.infnet.model.io.ModelExport;
import java.util.Map;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;

/**
 * {@link InfnetModel}'s saved form: the registry's {@code model.safetensors} and {@code manifest.json} as they are, and
 * Spark ML's {@value MlStageFiles#METADATA} (class, uid, params), which a {@code PipelineModel} needs to find the
 * stage's class. A folder without {@code metadata} (a version the CLI registered) loads with the default params.
 */
final class InfnetModelIo {
  private InfnetModelIo() {}

  static final class Writer extends MLWriter {
    private final InfnetModel model;

    Writer(InfnetModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      try (MlStageFiles files = MlStageFiles.at(sparkSession(), path)) {
        files.write(ModelExport.WEIGHTS_FILE, model.weightsBytes());
        files.write(ModelExport.MANIFEST_FILE, model.manifestBytes());
        files.writeMetadata(model, sparkSession().version(), Map.of());
      }
    }
  }

  static final class Reader extends MLReader<InfnetModel> {
    @Override
    public InfnetModel load(String path) {
      try (MlStageFiles files = MlStageFiles.at(sparkSession(), path)) {
        if (!files.exists(ModelExport.MANIFEST_FILE)) {
          throw new IllegalArgumentException("InfnetModel.load: " + path + " holds no " + ModelExport.MANIFEST_FILE
              + ": expected a saved InfnetModel or a registered model version (lake/models/<name>/<version>)");
        }
        byte[] manifest = files.read(ModelExport.MANIFEST_FILE);
        byte[] weights = files.read(ModelExport.WEIGHTS_FILE);
        if (!files.exists(MlStageFiles.METADATA)) return InfnetModel.of(manifest, weights);
        JsonNode meta = files.metadata();
        InfnetModel model = new InfnetModel(meta.get("uid").asText(), manifest, weights);
        MlStageFiles.restoreParams(model, meta);
        return model;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("InfnetModel.load(" + path + "): " + e.getMessage(), e);
      }
    }
  }
}
