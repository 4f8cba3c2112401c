package io.infnet.model;

import io.infnet.config.ConfigKey;
import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.EmbeddingLayout;
import io.infnet.config.choices.ModelType;
import io.infnet.config.choices.OutOfRangeIds;
import io.infnet.config.choices.PguProxies;
import io.infnet.config.choices.SeqProxyPool;
import io.infnet.config.choices.SequencePooling;
import io.infnet.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that decides a model's architecture: every {@code model.*} key, the feature schema (fields, sequences,
 * tasks) and the loss weight of each task. Immutable; recorded in the export manifest and read back from it.
 *
 * @param taskWeights λ_k per task, in {@code schema.tasks()} order
 */
public record ModelSpec(
    FeatureSchema schema,
    ModelType type,
    int dim,
    int blocks,
    int heads,
    int catProxies,
    int sharedTaskTokens,
    boolean taskTokens,
    boolean homogeneousFlow,
    boolean heterogeneousFlow,
    SeqProxyPool seqProxyPool,
    boolean shareKv,
    PguProxies pguProxies,
    EmbeddingLayout embeddingLayout,
    boolean timeGap,
    int towerHidden,
    boolean inputNorm,
    double initStd,
    int pguHidden,
    double dropout,
    SequencePooling sequencePooling,
    OutOfRangeIds outOfRangeIds,
    int experts,
    int pleLevels,
    int crossLayers,
    List<Double> taskWeights) {

  public ModelSpec {
    taskWeights = List.copyOf(taskWeights);
    if (schema.tasks().isEmpty()) throw new IllegalArgumentException("the feature schema has no tasks");
    if (schema.fields().isEmpty()) throw new IllegalArgumentException("the feature schema has no categorical fields");
    if (dim % heads != 0) {
      throw new IllegalArgumentException("model.heads (" + heads + ") must divide model.dim (" + dim + ")");
    }
    if (taskWeights.size() != schema.tasks().size()) {
      throw new IllegalArgumentException("expected " + schema.tasks().size() + " task weights, got " + taskWeights.size());
    }
  }

  /** The model section of a run config, bound to the feature schema the model will read. */
  public static ModelSpec from(InfnetConfig config, FeatureSchema schema) {
    return fromValues(new Values() {
      @Override
      public <T> T get(ConfigKey<T> key) {
        return config.get(key);
      }
    }, schema);
  }

  /** Reads the form written by {@link #toPlain()} (an export manifest); absent keys take their defaults. */
  public static ModelSpec fromPlain(Map<String, Object> plain, FeatureSchema schema) {
    return fromValues(new Values() {
      @Override
      public <T> T get(ConfigKey<T> key) {
        Object raw = plain.get(key.name());
        try {
          return raw == null ? absentValue(key) : key.type().parse(raw);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("model key '" + key.name() + "': expected " + e.getMessage() + ", got " + raw, e);
        }
      }
    }, schema);
  }

  /**
   * A key missing from a saved model section: the value that model was built with. Keys added after models were
   * exported keep those models' behaviour (model.input_norm did not exist: no input norms), others take the default.
   */
  @SuppressWarnings("unchecked")
  private static <T> T absentValue(ConfigKey<T> key) {
    return key.name().equals(Keys.MODEL_INPUT_NORM.name()) ? (T) Boolean.FALSE : key.defaultValue();
  }

  private interface Values {
    <T> T get(ConfigKey<T> key);
  }

  private static ModelSpec fromValues(Values v, FeatureSchema schema) {
    Map<String, Double> weights = v.get(Keys.TASK_WEIGHTS);
    for (String task : weights.keySet()) {
      if (!schema.tasks().contains(task)) {
        throw new IllegalArgumentException("tasks.weights names task '" + task + "', which is not one of " + schema.tasks());
      }
    }
    List<Double> taskWeights = new ArrayList<>();
    for (String task : schema.tasks()) taskWeights.add(weights.getOrDefault(task, 1.0));
    return new ModelSpec(schema, v.get(Keys.MODEL_TYPE), v.get(Keys.MODEL_DIM), v.get(Keys.MODEL_BLOCKS),
        v.get(Keys.MODEL_HEADS), v.get(Keys.MODEL_CAT_PROXIES), v.get(Keys.MODEL_SHARED_TASK_TOKENS),
        v.get(Keys.MODEL_TASK_TOKENS), v.get(Keys.MODEL_HOMOGENEOUS_FLOW), v.get(Keys.MODEL_HETEROGENEOUS_FLOW),
        v.get(Keys.MODEL_SEQ_PROXY_POOL), v.get(Keys.MODEL_SHARE_KV), v.get(Keys.MODEL_PGU_PROXIES),
        v.get(Keys.MODEL_EMBEDDING_LAYOUT), v.get(Keys.MODEL_TIME_GAP), v.get(Keys.MODEL_TOWER_HIDDEN),
        v.get(Keys.MODEL_INPUT_NORM), v.get(Keys.MODEL_INIT_STD), v.get(Keys.MODEL_PGU_HIDDEN), v.get(Keys.MODEL_DROPOUT), v.get(Keys.MODEL_SEQUENCE_POOLING), v.get(Keys.MODEL_OUT_OF_RANGE_IDS),
        v.get(Keys.MODEL_EXPERTS), v.get(Keys.MODEL_PLE_LEVELS), v.get(Keys.MODEL_CROSS_LAYERS), taskWeights);
  }

  /** Every model.* key by its config name, plus tasks.names and tasks.weights: the manifest's "model" section. */
  public Map<String, Object> toPlain() {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, Keys.MODEL_TYPE, type);
    put(m, Keys.MODEL_DIM, dim);
    put(m, Keys.MODEL_BLOCKS, blocks);
    put(m, Keys.MODEL_HEADS, heads);
    put(m, Keys.MODEL_CAT_PROXIES, catProxies);
    put(m, Keys.MODEL_SHARED_TASK_TOKENS, sharedTaskTokens);
    put(m, Keys.MODEL_TASK_TOKENS, taskTokens);
    put(m, Keys.MODEL_HOMOGENEOUS_FLOW, homogeneousFlow);
    put(m, Keys.MODEL_HETEROGENEOUS_FLOW, heterogeneousFlow);
    put(m, Keys.MODEL_SEQ_PROXY_POOL, seqProxyPool);
    put(m, Keys.MODEL_SHARE_KV, shareKv);
    put(m, Keys.MODEL_PGU_PROXIES, pguProxies);
    put(m, Keys.MODEL_EMBEDDING_LAYOUT, embeddingLayout);
    put(m, Keys.MODEL_TIME_GAP, timeGap);
    put(m, Keys.MODEL_TOWER_HIDDEN, towerHidden);
    put(m, Keys.MODEL_INPUT_NORM, inputNorm);
    put(m, Keys.MODEL_INIT_STD, initStd);
    put(m, Keys.MODEL_PGU_HIDDEN, pguHidden);
    put(m, Keys.MODEL_DROPOUT, dropout);
    put(m, Keys.MODEL_SEQUENCE_POOLING, sequencePooling);
    put(m, Keys.MODEL_OUT_OF_RANGE_IDS, outOfRangeIds);
    put(m, Keys.MODEL_EXPERTS, experts);
    put(m, Keys.MODEL_PLE_LEVELS, pleLevels);
    put(m, Keys.MODEL_CROSS_LAYERS, crossLayers);
    m.put(Keys.TASKS.name(), schema.tasks());
    Map<String, Double> weights = new LinkedHashMap<>();
    for (int k = 0; k < taskWeights.size(); k++) weights.put(schema.tasks().get(k), taskWeights.get(k));
    m.put(Keys.TASK_WEIGHTS.name(), weights);
    return m;
  }

  private static <T> void put(Map<String, Object> plain, ConfigKey<T> key, T value) {
    plain.put(key.name(), key.type().plain(value));
  }

  /** A copy with one architecture change, for ablations and tests, e.g. {@code spec.with("model.blocks=1")}. */
  public ModelSpec with(String... assignments) {
    Map<String, Object> plain = toPlain();
    for (String a : assignments) {
      int eq = a.indexOf('=');
      if (eq < 0) throw new IllegalArgumentException("expected key=value, got " + a);
      plain.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
    }
    return fromPlain(plain, schema);
  }

  /** Whether ids outside a field's vocabulary are mapped to OOV (model.out_of_range_ids=oov) instead of refused. */
  public boolean mapsOutOfRangeToOov() {
    return outOfRangeIds == OutOfRangeIds.OOV;
  }

  /** The PGU gate MLP's hidden width: model.pgu_hidden, or 2d when 0. */
  public int pguHiddenWidth() {
    return pguHidden > 0 ? pguHidden : 2 * dim;
  }

  public int taskCount() {
    return schema.tasks().size();
  }
}
