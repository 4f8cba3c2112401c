package io.infnet.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.Identifiable;
import scala.Function1;

/**
 * The Params {@link InfnetEstimator} passes on to the {@link InfnetModel} it fits (Spark ML's shared-param traits, in
 * Java): declared here once, created per instance by the static factories, read by the default getters.
 */
public interface ScoringParams extends Params {
  /** {@code handleInvalid} values: the two {@code model.out_of_range_ids} policies, by their config names. */
  String ERROR = "error", OOV = "oov";

  Param<String> predictionCol();

  Param<String> handleInvalid();

  IntParam batchSize();

  default String getPredictionCol() {
    return getOrDefault(predictionCol());
  }

  default String getHandleInvalid() {
    return getOrDefault(handleInvalid());
  }

  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  static Param<String> predictionCol(Identifiable parent) {
    return new Param<>(parent, "predictionCol",
        "prefix of the prediction columns: one float column <prefix><task> per task (the CLI's tables use p_)",
        (Function1<String, Object>) prefix -> prefix != null && !prefix.isEmpty());
  }

  static Param<String> handleInvalid(Identifiable parent) {
    return new Param<>(parent, "handleInvalid",
        "an id outside its field's vocabulary: 'error' fails the row's batch, 'oov' reads it as the OOV id 0 (model.out_of_range_ids)",
        ParamValidators.inArray(new String[] {ERROR, OOV}));
  }

  static IntParam batchSize(Identifiable parent) {
    return new IntParam(parent, "batchSize", "rows per inference batch (score.batch_size)", ParamValidators.gtEq(1));
  }
}
