package io.infnet.model;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.config.choices.EmbeddingLayout;
import io.infnet.config.choices.ModelType;
import io.infnet.config.choices.OutOfRangeIds;
import io.infnet.config.choices.PguProxies;
import io.infnet.config.choices.SeqProxyPool;
import io.infnet.config.choices.SequencePooling;
import io.infnet.schema.FeatureSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that decides a model's architecture: the architecture keys ({@link ModelOptions}: every {@code model.*}
 * key and the tasks' loss weights) bound to the feature schema (fields, sequences, tasks). Immutable; recorded in the
 * export manifest and read back from it. A new architecture key is declared once, in {@link Keys}; the accessors
 * below are conveniences for the network code.
 */
public record ModelSpec(FeatureSchema schema, ModelOptions options) {

  public ModelSpec {
    if (schema.tasks().isEmpty()) throw new IllegalArgumentException("the feature schema has no tasks");
    if (schema.fields().isEmpty()) throw new IllegalArgumentException("the feature schema has no categorical fields");
    options = boundTo(options, schema);
    if (options.get(Keys.MODEL_DIM) % options.get(Keys.MODEL_HEADS) != 0) {
      throw new IllegalArgumentException("model.heads (" + options.get(Keys.MODEL_HEADS) + ") must divide model.dim ("
          + options.get(Keys.MODEL_DIM) + ")");
    }
  }

  /** The options with the schema's task names and one weight per task (1 unless set), so the manifest lists them all. */
  private static ModelOptions boundTo(ModelOptions options, FeatureSchema schema) {
    Map<String, Double> weights = options.get(Keys.TASK_WEIGHTS);
    for (String task : weights.keySet()) {
      if (!schema.tasks().contains(task)) {
        throw new IllegalArgumentException("tasks.weights names task '" + task + "', which is not one of " + schema.tasks());
      }
    }
    Map<String, Double> perTask = new LinkedHashMap<>();
    for (String task : schema.tasks()) perTask.put(task, weights.getOrDefault(task, 1.0));
    return options.with(Keys.TASKS, schema.tasks()).with(Keys.TASK_WEIGHTS, perTask);
  }

  /** The model section of a run config, bound to the feature schema the model will read. */
  public static ModelSpec from(InfnetConfig config, FeatureSchema schema) {
    return new ModelSpec(schema, ModelOptions.from(config));
  }

  /** Reads the form written by {@link #toPlain()} (an export manifest); absent keys take their defaults. */
  public static ModelSpec fromPlain(Map<String, ?> plain, FeatureSchema schema) {
    return new ModelSpec(schema, ModelOptions.fromPlain(plain));
  }

  /** Every architecture key by its config name, tasks.names and tasks.weights included: the manifest's "model" section. */
  public Map<String, Object> toPlain() {
    return options.toPlain();
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

  /** λ_k per task, in {@code schema.tasks()} order. */
  public List<Double> taskWeights() {
    return List.copyOf(options.get(Keys.TASK_WEIGHTS).values());
  }

  public ModelType type() {
    return options.get(Keys.MODEL_TYPE);
  }

  public int dim() {
    return options.get(Keys.MODEL_DIM);
  }

  public int blocks() {
    return options.get(Keys.MODEL_BLOCKS);
  }

  public int heads() {
    return options.get(Keys.MODEL_HEADS);
  }

  public int catProxies() {
    return options.get(Keys.MODEL_CAT_PROXIES);
  }

  public int sharedTaskTokens() {
    return options.get(Keys.MODEL_SHARED_TASK_TOKENS);
  }

  public boolean taskTokens() {
    return options.get(Keys.MODEL_TASK_TOKENS);
  }

  public boolean homogeneousFlow() {
    return options.get(Keys.MODEL_HOMOGENEOUS_FLOW);
  }

  public boolean heterogeneousFlow() {
    return options.get(Keys.MODEL_HETEROGENEOUS_FLOW);
  }

  public SeqProxyPool seqProxyPool() {
    return options.get(Keys.MODEL_SEQ_PROXY_POOL);
  }

  public boolean shareKv() {
    return options.get(Keys.MODEL_SHARE_KV);
  }

  public PguProxies pguProxies() {
    return options.get(Keys.MODEL_PGU_PROXIES);
  }

  public EmbeddingLayout embeddingLayout() {
    return options.get(Keys.MODEL_EMBEDDING_LAYOUT);
  }

  public boolean timeGap() {
    return options.get(Keys.MODEL_TIME_GAP);
  }

  public int towerHidden() {
    return options.get(Keys.MODEL_TOWER_HIDDEN);
  }

  public boolean inputNorm() {
    return options.get(Keys.MODEL_INPUT_NORM);
  }

  public double initStd() {
    return options.get(Keys.MODEL_INIT_STD);
  }

  public int pguHidden() {
    return options.get(Keys.MODEL_PGU_HIDDEN);
  }

  public double dropout() {
    return options.get(Keys.MODEL_DROPOUT);
  }

  public SequencePooling sequencePooling() {
    return options.get(Keys.MODEL_SEQUENCE_POOLING);
  }

  public OutOfRangeIds outOfRangeIds() {
    return options.get(Keys.MODEL_OUT_OF_RANGE_IDS);
  }

  public int experts() {
    return options.get(Keys.MODEL_EXPERTS);
  }

  public int pleLevels() {
    return options.get(Keys.MODEL_PLE_LEVELS);
  }

  public int crossLayers() {
    return options.get(Keys.MODEL_CROSS_LAYERS);
  }

  /** Whether ids outside a field's vocabulary are mapped to OOV (model.out_of_range_ids=oov) instead of refused. */
  public boolean mapsOutOfRangeToOov() {
    return outOfRangeIds() == OutOfRangeIds.OOV;
  }

  /** The PGU gate MLP's hidden width: model.pgu_hidden, or 2d when 0. */
  public int pguHiddenWidth() {
    return pguHidden() > 0 ? pguHidden() : 2 * dim();
  }

  public int taskCount() {
    return schema.tasks().size();
  }
}
