package io.infnet.config;

import static io.infnet.config.ValueType.bool;
import static io.infnet.config.ValueType.choice;
import static io.infnet.config.ValueType.date;
import static io.infnet.config.ValueType.decimal;
import static io.infnet.config.ValueType.integer;
import static io.infnet.config.ValueType.longInteger;
import static io.infnet.config.ValueType.mapOf;
import static io.infnet.config.ValueType.names;
import static io.infnet.config.ValueType.text;

import io.infnet.config.choices.DeviceKind;
import io.infnet.config.choices.EmbeddingLayout;
import io.infnet.config.choices.EmbeddingUpdate;
import io.infnet.config.choices.LrSchedule;
import io.infnet.config.choices.ModelType;
import io.infnet.config.choices.OptimizerKind;
import io.infnet.config.choices.OutOfRangeIds;
import io.infnet.config.choices.PguProxies;
import io.infnet.config.choices.Precision;
import io.infnet.config.choices.SeqProxyPool;
import io.infnet.config.choices.SequencePooling;
import io.infnet.config.choices.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every config key of the platform, in one registry: the single source for validation, for
 * {@code conf/infnet.yaml} (rendered from here and checked by a test) and for {@code bin/infnet config}.
 */
public final class Keys {
  private static final List<ConfigKey<?>> ALL = new ArrayList<>();
  private static final int MAX = Integer.MAX_VALUE;

  private Keys() {}

  private static <T> ConfigKey<T> key(String name, ValueType<T> type, Object def, String doc) {
    @SuppressWarnings("unchecked")
    ConfigKey<T> k = new ConfigKey<>(name, type, (T) def, doc);
    ALL.add(k);
    return k;
  }

  // ---- lake and Spark -------------------------------------------------------------------------------
  public static final ConfigKey<String> LAKE_ROOT = key("lake.root", text(false), "./lake",
      "Root of the Delta lake: a local folder by default, or any Hadoop path (s3a://, abfss://, hdfs://).");
  public static final ConfigKey<String> SPARK_MASTER = key("spark.master", text(false), "local[*]",
      "Master used only when none is given by spark-submit (--master wins).");
  public static final ConfigKey<Integer> SPARK_SHUFFLE_PARTITIONS = key("spark.shuffle_partitions", integer(1, 100000), 8,
      "spark.sql.shuffle.partitions for every job.");

  // ---- datagen --------------------------------------------------------------------------------------
  public static final ConfigKey<Long> DATAGEN_SEED = key("datagen.seed", longInteger(0, Long.MAX_VALUE), 42L,
      "Seed of the hidden model and of every sampled impression: same seed, same lake.");
  public static final ConfigKey<Integer> DATAGEN_USERS = key("datagen.users", integer(10, 100_000_000), 3000,
      "Generated users (ignored when datagen.users_csv is set).");
  public static final ConfigKey<Integer> DATAGEN_VIDEOS = key("datagen.videos", integer(10, 100_000_000), 2000,
      "Generated videos (ignored when datagen.videos_csv is set).");
  public static final ConfigKey<String> DATAGEN_START_DATE = key("datagen.start_date", date(false), "2022-04-08",
      "First log day (KuaiRand-Pure starts on 2022-04-08).");
  public static final ConfigKey<Integer> DATAGEN_DAYS = key("datagen.days", integer(1, 3650), 14, "Number of log days.");
  public static final ConfigKey<Double> DATAGEN_IMPRESSIONS_PER_USER_DAY = key("datagen.impressions_per_user_day",
      decimal(0.1, 100000), 8.0, "Mean impressions per user and day (users' activity varies around it).");
  public static final ConfigKey<Double> DATAGEN_SCALE = key("datagen.scale", decimal(0.001, 100000), 1.0,
      "Grows generated users and impressions per user-day by √scale each, so rows grow ~linearly (100 ≈ 34M impressions); with real users, impressions per user-day grow by scale.");
  public static final ConfigKey<String> DATAGEN_USERS_CSV = key("datagen.users_csv", text(true), "",
      "Real KuaiRand user_features_pure.csv to use instead of generated users (empty = generate).");
  public static final ConfigKey<String> DATAGEN_VIDEOS_CSV = key("datagen.videos_csv", text(true), "",
      "Real KuaiRand video_features_basic_pure.csv to use instead of generated videos (empty = generate).");

  // ---- features -------------------------------------------------------------------------------------
  public static final ConfigKey<List<String>> FEATURES_CATEGORICAL = key("features.categorical", names(false),
      List.of("user_id", "user_active_degree", "is_lowactive_period", "is_live_streamer", "is_video_author",
          "follow_user_num_range", "fans_user_num_range", "friend_user_num_range", "register_days_range",
          "onehot_feat0", "onehot_feat1", "onehot_feat2", "onehot_feat3", "onehot_feat4", "onehot_feat5",
          "onehot_feat6", "onehot_feat7", "onehot_feat8", "onehot_feat9", "onehot_feat10", "onehot_feat11",
          "onehot_feat12", "onehot_feat13", "onehot_feat14", "onehot_feat15", "onehot_feat16", "onehot_feat17",
          "video_id", "author_id", "video_type", "upload_type", "visible_status", "music_type", "tag",
          "hour", "weekday", "tab"),
      "Categorical fields (columns of log ⋈ users ⋈ videos, plus hour and weekday): one vocabulary each, index 0 = missing/OOV.");
  public static final ConfigKey<Map<String, Integer>> FEATURES_MULTI_VALUED = key("features.multi_valued", mapOf(integer(1, 1024)),
      Map.of("tag", 4),
      "Categorical fields holding a comma-separated list, with how many values to keep (first ones, source order): the vocabulary counts every kept value, column multi_<field> holds their ids, the field's cat slot and sequence events the first value; 1 = first value only.");
  public static final ConfigKey<Map<String, Integer>> FEATURES_HASH_BUCKETS = key("features.hash_buckets", mapOf(integer(2, MAX - 1)),
      Map.of(),
      "Categorical fields whose ids are hashed into B buckets instead of a vocabulary (unbounded id spaces), e.g. {user_id: 1000000}: id = 1 + murmur3_x86_32(UTF-8 of the value as a string, seed 0x1D5EED) mod B (unsigned), 0 = missing; list values hashed one by one; collisions are reported in the quality table; unlisted fields keep vocabularies.");
  public static final ConfigKey<List<String>> FEATURES_NUMERIC = key("features.numeric", names(true),
      List.of("follow_user_num", "fans_user_num", "friend_user_num", "register_days", "video_duration"),
      "Numeric fields, bucketized by quantiles (Spark MLlib QuantileDiscretizer); bucket 0 = missing.");
  public static final ConfigKey<Integer> FEATURES_NUMERIC_BUCKETS = key("features.numeric_buckets", integer(2, 1000), 16,
      "Quantile buckets per numeric field.");
  public static final ConfigKey<Integer> FEATURES_MIN_COUNT = key("features.min_count", integer(1, MAX), 2,
      "Values seen fewer times in the train split go to OOV (index 0).");
  public static final ConfigKey<Boolean> FEATURES_FREEZE_VOCABULARY = key("features.freeze_vocabulary", bool(), false,
      "Reuse the vocabularies and bucket splits already in the lake (daily scoring keeps ids stable); unseen values go to OOV and are counted.");
  public static final ConfigKey<String> FEATURES_ITEM_FIELD = key("features.item_field", text(false), "video_id",
      "The item id field; sequence events share its embedding table.");
  public static final ConfigKey<List<String>> FEATURES_SEQUENCES = key("features.sequences", names(true),
      List.of("click", "long_view"),
      "Behaviour sequences, each named by the task label that defines the behaviour (events strictly before the impression, most recent first).");
  public static final ConfigKey<Integer> FEATURES_SEQUENCE_MAX_LENGTH = key("features.sequence_max_length", integer(1, 10000), 30,
      "Events kept per sequence.");
  public static final ConfigKey<List<String>> FEATURES_SEQUENCE_SIDE_FIELDS = key("features.sequence_side_fields", names(true),
      List.of("author_id", "tag"), "Side-info fields of each sequence event (share the categorical field's vocabulary).");
  public static final ConfigKey<Integer> FEATURES_GAP_BUCKETS = key("features.gap_buckets", integer(0, 64), 12,
      "Time-gap buckets (log2 of minutes since the event); 0 = no time-gap feature.");
  public static final ConfigKey<Double> FEATURES_MAX_DROPPED_FRACTION = key("features.max_dropped_fraction", decimal(0, 1), 0.2,
      "Stop the build when more than this fraction of the log's rows is dropped (all reasons together, docs/DATA_POLICY.md): the input is broken and training on the rest would be wrong; the error names each reason and its count.");
  public static final ConfigKey<Double> FEATURES_FUTURE_TOLERANCE_HOURS = key("features.future_tolerance_hours", decimal(0, 1e6), 24.0,
      "Log rows whose time_ms is later than the build's clock plus this many hours are dropped and counted as future_timestamp (clock skew below it is tolerated).");
  public static final ConfigKey<String> FEATURES_FROM_DATE = key("features.from_date", date(true), "",
      "First day to build; empty = a full build of every day of the raw log (refits vocabularies unless features.freeze_vocabulary). A day range builds only those days, with the stored vocabularies, from the sequence state of the day before (docs/FEATURE_TABLES.md, Day by day); the range is extended to earlier days re-ingested since they were built.");
  public static final ConfigKey<String> FEATURES_TO_DATE = key("features.to_date", date(true), "",
      "Last day to build (inclusive); empty = features.from_date.");
  public static final ConfigKey<String> SPLIT_TRAIN_START = key("split.train_start", date(true), "",
      "First day of the train split as train, evaluate, promote and score read it (empty = the table's first day); a rolling training window. The feature build ignores it: vocabularies are fitted on every day up to split.train_end.");
  public static final ConfigKey<String> SPLIT_TRAIN_END = key("split.train_end", date(false), "2022-04-18",
      "Last day of the train split (inclusive). The feature build fits the vocabularies on the days up to it; the jobs that read the table (train, evaluate, promote, score) assign splits from the date with their own split keys.");
  public static final ConfigKey<String> SPLIT_VALID_END = key("split.valid_end", date(false), "2022-04-19",
      "Last day of the validation split (inclusive); later days are the test split.");
  public static final ConfigKey<String> SPLIT_TEST_END = key("split.test_end", date(true), "",
      "Last day of the test split as the reading jobs see it (empty = the table's last day).");

  // ---- tasks ----------------------------------------------------------------------------------------
  public static final ConfigKey<List<String>> TASKS = key("tasks.names", names(false), List.of("click", "like", "long_view"),
      "Prediction tasks, in head order.");
  public static final ConfigKey<Map<String, String>> TASK_LABELS = key("tasks.labels", mapOf(text(false)),
      orderedMap("click", "is_click", "like", "is_like", "long_view", "long_view",
          "follow", "is_follow", "comment", "is_comment", "forward", "is_forward"),
      "Spark SQL expression deriving each task's 0/1 label from the log (null = label missing, masked in the loss).");
  public static final ConfigKey<Map<String, Double>> TASK_WEIGHTS = key("tasks.weights", mapOf(decimal(0, 1e6)), Map.of(),
      "Loss weight λ_k per task (absent = 1).");

  // ---- model ----------------------------------------------------------------------------------------
  public static final ConfigKey<ModelType> MODEL_TYPE = key("model.type", choice(ModelType.class),
      ModelType.INFNET, "Model family: INFNet or one of the baselines it must beat (full_attention: self-attention over all tokens, the cost comparison).");
  public static final ConfigKey<Integer> MODEL_DIM = key("model.dim", integer(2, 4096), 32, "Token width d.");
  public static final ConfigKey<Integer> MODEL_BLOCKS = key("model.blocks", integer(1, 64), 2, "Stacked INFNet blocks N.");
  public static final ConfigKey<Integer> MODEL_HEADS = key("model.heads", integer(1, 64), 2, "Attention heads h (must divide model.dim).");
  public static final ConfigKey<Integer> MODEL_CAT_PROXIES = key("model.cat_proxies", integer(1, 64), 4, "Categorical proxies m.");
  public static final ConfigKey<Integer> MODEL_SHARED_TASK_TOKENS = key("model.shared_task_tokens", integer(1, 64), 2,
      "Shared task tokens N_s.");
  public static final ConfigKey<Boolean> MODEL_TASK_TOKENS = key("model.task_tokens", bool(), true,
      "Ablation switch: false = towers read a pooled summary of the proxies instead of task tokens.");
  public static final ConfigKey<Boolean> MODEL_HOMOGENEOUS_FLOW = key("model.homogeneous_flow", bool(), true,
      "Ablation switch: false = PGU replaced by identity.");
  public static final ConfigKey<Boolean> MODEL_HETEROGENEOUS_FLOW = key("model.heterogeneous_flow", bool(), true,
      "Ablation switch: false = every cross-attention replaced by the masked mean of its keys.");
  public static final ConfigKey<SeqProxyPool> MODEL_SEQ_PROXY_POOL = key("model.seq_proxy_pool", choice(SeqProxyPool.class), SeqProxyPool.MEAN,
      "Sequence proxy pooling (sum is the paper's literal choice).");
  public static final ConfigKey<Boolean> MODEL_SHARE_KV = key("model.share_kv", bool(), false,
      "Share K/V projections per source type across the cross-attention calls.");
  public static final ConfigKey<PguProxies> MODEL_PGU_PROXIES = key("model.pgu_proxies", choice(PguProxies.class), PguProxies.UPDATED,
      "Which proxies gate the PGU: the block's updated ones or its inputs.");
  public static final ConfigKey<EmbeddingLayout> MODEL_EMBEDDING_LAYOUT = key("model.embedding_layout", choice(EmbeddingLayout.class),
      EmbeddingLayout.OFFSET, "One offset embedding table for all fields, or one table per field.");
  public static final ConfigKey<Boolean> MODEL_TIME_GAP = key("model.time_gap", bool(), true,
      "Add a time-gap bucket embedding to sequence tokens (needs features.gap_buckets > 0).");
  public static final ConfigKey<Integer> MODEL_TOWER_HIDDEN = key("model.tower_hidden", integer(1, 65536), 64, "Task tower hidden width.");
  public static final ConfigKey<Boolean> MODEL_INPUT_NORM = key("model.input_norm", bool(), true,
      "INFNet: LayerNorm every token type before the first block (tokens, proxies, task tokens), as every later block's "
          + "inputs are; false = raw embeddings (their first-block attention stays uniform, docs/ACCURACY.md).");
  public static final ConfigKey<Double> MODEL_INIT_STD = key("model.init_std", decimal(1e-6, 10), 0.05,
      "Standard deviation of the initial embedding rows and learnable tokens (task, shared task tokens), every model type.");
  public static final ConfigKey<Integer> MODEL_PGU_HIDDEN = key("model.pgu_hidden", integer(0, 65536), 0,
      "Hidden width of the PGU gate MLP (0 = 2·model.dim, the spec's default).");
  public static final ConfigKey<Double> MODEL_DROPOUT = key("model.dropout", decimal(0, 0.95), 0.0, "Dropout in towers and MLPs.");
  public static final ConfigKey<SequencePooling> MODEL_SEQUENCE_POOLING = key("model.sequence_pooling", choice(SequencePooling.class), SequencePooling.DIN,
      "Baselines: DIN-style target attention over sequences, or mean pooling.");
  public static final ConfigKey<OutOfRangeIds> MODEL_OUT_OF_RANGE_IDS = key("model.out_of_range_ids", choice(OutOfRangeIds.class), OutOfRangeIds.ERROR,
      "An id outside a field's vocabulary: stop with an error naming the field, or map it to OOV (0) and count it.");
  public static final ConfigKey<Integer> MODEL_EXPERTS = key("model.experts", integer(1, 64), 4, "MMoE/PLE experts (per group for PLE).");
  public static final ConfigKey<Integer> MODEL_PLE_LEVELS = key("model.ple_levels", integer(1, 16), 2,
      "PLE extraction levels (CGC layers); the last level has no shared gate.");
  public static final ConfigKey<Integer> MODEL_CROSS_LAYERS = key("model.cross_layers", integer(1, 16), 3, "DCNv2 cross layers.");

  // ---- training -------------------------------------------------------------------------------------
  public static final ConfigKey<String> TRAIN_MODEL_NAME = key("train.model_name", text(false), "infnet",
      "Registry name: runs register as models/<name>/<version>/.");
  public static final ConfigKey<Integer> TRAIN_EPOCHS = key("train.epochs", integer(1, 10000), 5, "Maximum epochs.");
  public static final ConfigKey<Long> TRAIN_MAX_STEPS = key("train.max_steps", longInteger(0, Long.MAX_VALUE), 0L,
      "Stop after this many steps (0 = no limit).");
  public static final ConfigKey<Integer> TRAIN_BATCH_SIZE = key("train.batch_size", integer(1, 1 << 22), 1024, "Global batch size.");
  public static final ConfigKey<OptimizerKind> TRAIN_OPTIMIZER = key("train.optimizer", choice(OptimizerKind.class), OptimizerKind.ADAM, "Optimizer.");
  public static final ConfigKey<Double> TRAIN_LEARNING_RATE = key("train.learning_rate", decimal(1e-9, 10), 0.002, "Peak learning rate.");
  public static final ConfigKey<Integer> TRAIN_WARMUP_STEPS = key("train.warmup_steps", integer(0, MAX), 50, "Linear warmup steps.");
  public static final ConfigKey<LrSchedule> TRAIN_LR_SCHEDULE = key("train.lr_schedule", choice(LrSchedule.class), LrSchedule.COSINE,
      "Decay after warmup.");
  public static final ConfigKey<Double> TRAIN_WEIGHT_DECAY = key("train.weight_decay", decimal(0, 10), 0.0, "L2 / decoupled weight decay.");
  public static final ConfigKey<Double> TRAIN_GRAD_CLIP = key("train.grad_clip_norm", decimal(0, 1e9), 5.0,
      "Global gradient-norm clip (0 = off).");
  public static final ConfigKey<EmbeddingUpdate> TRAIN_EMBEDDING_UPDATE = key("train.embedding_update", choice(EmbeddingUpdate.class),
      EmbeddingUpdate.DENSE, "Embedding tables: dense = every row every step (exact Adam), rows = only the rows a batch "
          + "touches (lazy Adam: untouched rows keep their moments; step cost independent of the vocabulary size), sharded = as "
          + "rows, each row and its optimizer state held only by its owner worker (id mod train.workers) and created on "
          + "first touch (docs/DISTRIBUTED.md, \"Sharded embedding tables\").");
  public static final ConfigKey<Integer> TRAIN_PATIENCE = key("train.patience", integer(1, 1000), 2,
      "Early stopping: epochs without a better mean validation AUC.");
  public static final ConfigKey<Long> TRAIN_SEED = key("train.seed", longInteger(0, Long.MAX_VALUE), 7L,
      "Seed of initialisation, shuffling and dropout.");
  public static final ConfigKey<Integer> TRAIN_WORKERS = key("train.workers", integer(1, 64), 1,
      "Synchronous data-parallel workers, one per executor JVM (a divisor of 64); 1 on local[*].");
  public static final ConfigKey<Integer> TRAIN_CHECKPOINT_EVERY = key("train.checkpoint_every", integer(0, MAX), 500,
      "Checkpoint to the lake every this many steps (and after every epoch); 0 = after epochs only.");
  public static final ConfigKey<Integer> TRAIN_CHECKPOINT_KEEP = key("train.checkpoint_keep", integer(0, MAX), 3,
      "Keep only the newest this many checkpoints of a run (0 = keep all); --resume needs just the newest.");
  public static final ConfigKey<Integer> TRAIN_LOG_EVERY = key("train.log_every", integer(1, MAX), 20,
      "Record the mean training loss in training_runs every this many steps.");
  public static final ConfigKey<Integer> TRAIN_THREADS = key("train.threads", integer(0, 1024), 0,
      "Intra-op threads per worker (0 = cores of the JVM).");
  public static final ConfigKey<DeviceKind> TRAIN_DEVICE = key("train.device", choice(DeviceKind.class), DeviceKind.CPU,
      "Training device: gpu puts each worker on the GPU Spark assigned to its task (else GPU 0) and fails before the first step if libtorch sees none (CUDA build: see README, GPU; untested here).");

  public static final ConfigKey<Precision> TRAIN_PRECISION = key("train.precision", choice(Precision.class), Precision.FP32,
      "Training arithmetic: bf16 (or fp16) runs linear layers, attention matmuls and towers in bfloat16 (float16), with fp32 master weights, gradients, optimizer, LayerNorm, softmax and loss; validation, export and scoring stay fp32. bf16 needs a PyTorch JNI library with bfloat16 (DJL 0.36's has none: docs/MODEL.md, \"Mixed precision\").");

  // ---- evaluation and scoring -------------------------------------------------------------------------
  public static final ConfigKey<Split> EVALUATE_SPLIT = key("evaluate.split", choice(Split.class, Split.VALID, Split.TEST), Split.TEST, "Split evaluated.");
  public static final ConfigKey<String> SCORE_MODEL = key("score.model", text(false), "latest",
      "Model version to score with: latest, production, or a version number.");
  public static final ConfigKey<Split> SCORE_SPLIT = key("score.split", choice(Split.class), Split.TEST,
      "Rows of the feature table to score.");
  public static final ConfigKey<String> SCORE_FROM_DATE = key("score.from_date", date(true), "",
      "Score only rows on or after this date (empty = no bound); the nightly DAG passes the run's date.");
  public static final ConfigKey<String> SCORE_TO_DATE = key("score.to_date", date(true), "",
      "Score only rows on or before this date (empty = no bound).");
  public static final ConfigKey<Integer> SCORE_BATCH_SIZE = key("score.batch_size", integer(1, 1 << 22), 4096, "Inference batch size.");

  // ---- promotion ------------------------------------------------------------------------------------
  public static final ConfigKey<Double> PROMOTE_MAX_AUC_DROP = key("promote.max_auc_drop", decimal(0, 1), 0.002,
      "promote --gate refuses a candidate whose AUC on any task is lower than the production model's by more than this (same rows, same feature version).");
  public static final ConfigKey<Split> PROMOTE_SPLIT = key("promote.split", choice(Split.class, Split.VALID, Split.TEST), Split.TEST,
      "Split of the feature table on which promote --gate compares the candidate with the production model.");

  /** All keys, in declaration order. */
  public static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }
}
