package io.infnet.features;

import com.fasterxml.jackson.databind.JsonNode;
import io.infnet.features.spark.MlStageFiles;
import io.infnet.schema.IdEncoding;
import java.util.Map;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;

/**
 * {@link FeatureEncoder}'s saved form: Spark ML's {@value MlStageFiles#METADATA} (class, uid, params, and the feature
 * spec and {@link IdEncoding} it encodes with), the vocabulary rows in {@code vocabulary/} and the bucket splits in
 * {@code bucket_splits/} (Parquet). Loading recomputes the mappings' hashes and refuses files that no longer match them.
 */
final class FeatureEncoderIo {
  private static final String SPEC = "featureSpec", ENCODING = "idEncoding", VOCABULARY = "vocabulary", SPLITS = "bucket_splits";

  private FeatureEncoderIo() {}

  static final class Writer extends MLWriter {
    private final FeatureEncoder stage;

    Writer(FeatureEncoder stage) {
      this.stage = stage;
    }

    @Override
    public void saveImpl(String path) {
      try (MlStageFiles files = MlStageFiles.at(sparkSession(), path)) {
        files.writeMetadata(stage, sparkSession().version(), Map.of(SPEC, stage.spec.contentJson(), ENCODING, stage.encoding().toJson()));
      }
      stage.mappings.vocabulary().rows().write().parquet(path + "/" + VOCABULARY);
      stage.mappings.buckets().rows(sparkSession()).write().parquet(path + "/" + SPLITS);
    }
  }

  static final class Reader extends MLReader<FeatureEncoder> {
    @Override
    public FeatureEncoder load(String path) {
      SparkSession spark = sparkSession();
      JsonNode meta;
      try (MlStageFiles files = MlStageFiles.at(spark, path)) {
        if (!files.exists(MlStageFiles.METADATA)) {
          throw new IllegalArgumentException("FeatureEncoder.load: " + path + " holds no " + MlStageFiles.METADATA + ": not a saved FeatureEncoder");
        }
        meta = files.metadata();
      }
      FeatureSpec spec = FeatureSpec.fromContentJson(meta.path(SPEC).asText(), path + " " + SPEC);
      IdEncoding recorded = IdEncoding.fromJson(meta.path(ENCODING).asText());
      Vocabulary vocabulary = Vocabulary.of(spark.read().parquet(path + "/" + VOCABULARY), spec.vocabularyFields());
      NumericBuckets buckets = NumericBuckets.of(spark.read().parquet(path + "/" + SPLITS), "the bucket splits saved at " + path,
          spec.numeric());
      FeatureBuilder.IdMappings mappings = FeatureBuilder.IdMappings.of(vocabulary, recorded.vocabulary().deltaVersion(), spec, buckets,
          recorded.bucketSplits().deltaVersion());
      try {
        FeatureEncoder.requireSame(recorded, "the saved stage's metadata: its", mappings.encoding(), "its saved files'");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("FeatureEncoder.load(" + path + "): the saved vocabulary or bucket splits were modified: "
            + e.getMessage(), e);
      }
      FeatureEncoder stage = new FeatureEncoder(meta.get("uid").asText(), spec, mappings);
      MlStageFiles.restoreParams(stage, meta);
      return stage;
    }
  }
}
