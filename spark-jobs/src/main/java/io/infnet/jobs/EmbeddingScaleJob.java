package io.infnet.jobs;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.data.SplitDates;
import io.infnet.jobs.dist.DistributedTrainer;
import io.infnet.jobs.dist.WorkerFootprint;
import io.infnet.jobs.dist.WorkerMemory;
import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark behind bench/embedding-scale (issue 12): trains on synthetic rows whose one large field, "item", has
 * --vocabulary=V rows, through the distributed trainer as `train` does (same workers, exchange, memory check), and prints
 * the step time, bytes sent and each worker's peak memory. The rows are the same for every V: item ids are drawn from a
 * Zipf law over 10^6 ranks and scattered over [1, V) by a hash, so a batch touches as many distinct rows whatever V is,
 * as a real id space does. Nothing is registered (a 10^9-row table has no single-file export).
 */
final class EmbeddingScaleJob implements Job {
  private static final int RANKS = 1_000_000;
  private static final int SMALL_FIELDS = 4;
  private static final int HISTORY = 8;

  @Override
  public String name() {
    return "embedding-scale";
  }

  @Override
  public String summary() {
    return "benchmark (bench/embedding-scale): train on synthetic rows with one field of --vocabulary=V ids (--rows=N, "
        + "default 200000) and print step time, bytes sent and peak memory per worker";
  }

  @Override
  public List<String> flags() {
    return List.of("--vocabulary", "--rows");
  }

  @Override
  public void run(JobContext context) throws Exception {
    int vocabulary = intFlag(context, "--vocabulary", 1_000_000);
    int rows = intFlag(context, "--rows", 200_000);
    if (vocabulary < 2) throw new UsageException("--vocabulary expects at least 2 rows, got " + vocabulary);
    InfnetConfig config = context.config();
    FeatureSchema schema = schema(vocabulary);
    SparkSession spark = context.spark();
    Synthetic data = new Synthetic(spark, config, schema, rows, Math.max(1, rows / 50), vocabulary);
    int workers = config.get(Keys.TRAIN_WORKERS);
    WorkerMemory.of(schema, config, rows, workers, data.validRows)
        .requireFits(WorkerMemory.Limits.of(spark.sparkContext().getConf(), Runtime.getRuntime().maxMemory()));
    String checkpoints = context.lake().root() + "/embedding-scale/" + System.currentTimeMillis();
    DistributedTrainer.Result r = DistributedTrainer.train(spark, config, data, schema, checkpoints, context.out());
    report(context, config, vocabulary, r);
  }

  private static void report(JobContext context, InfnetConfig config, int vocabulary, DistributedTrainer.Result r) {
    double stepMs = r.timedSteps() == 0 ? 0 : (r.computeSeconds() + r.communicationSeconds()) * 1000 / r.timedSteps();
    long bytesPerStep = r.timedSteps() == 0 ? 0 : r.bytesSentByWorker0() / r.timedSteps();
    long peak = 0;
    List<String> perWorker = new ArrayList<>();
    for (WorkerFootprint f : r.workers()) {
      peak = Math.max(peak, f.peakResidentBytes());
      perWorker.add(String.format(Locale.ROOT, "worker %d: peak RSS %,d MB, %,d embedding rows held", f.rank(),
          f.peakResidentBytes() >> 20, f.embeddingRows()));
    }
    context.out().printf(Locale.ROOT, "embedding-scale: V=%d update=%s workers=%d step_ms=%.1f bytes_per_step=%d peak_rss_mb=%d (%s; %s)%n",
        vocabulary, config.get(Keys.TRAIN_EMBEDDING_UPDATE).configName(), r.workers().size(), stepMs, bytesPerStep, peak >> 20,
        r.stepTime(), String.join("; ", perWorker));
  }

  private static int intFlag(JobContext context, String flag, int fallback) {
    String value = context.args().flagValue(flag);
    if (value == null) return fallback;
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " expects a whole number below 2^31, got '" + value + "'");
    }
  }

  /** "item" (V rows), four small context fields, one click history of items, one task. */
  static FeatureSchema schema(int vocabulary) {
    List<FeatureSchema.Field> fields = new ArrayList<>();
    fields.add(new FeatureSchema.Field("item", vocabulary));
    for (int i = 0; i < SMALL_FIELDS; i++) fields.add(new FeatureSchema.Field("ctx" + i, 100));
    return new FeatureSchema(fields, List.of(new FeatureSchema.Sequence("click", HISTORY, List.of("item"))), List.of("click"), 0);
  }

  /** The synthetic rows as a feature snapshot: train rows dated inside split.train_end, validation rows the day after. */
  private static final class Synthetic implements FeatureSnapshot {
    private final InfnetConfig config;
    private final FeatureSchema schema;
    private final Dataset<Row> table;
    private final long validRows;

    Synthetic(SparkSession spark, InfnetConfig config, FeatureSchema schema, int trainRows, int validRows, int vocabulary) {
      this.config = config;
      this.schema = schema;
      this.validRows = validRows;
      SplittableRandom random = new SplittableRandom(config.get(Keys.TRAIN_SEED));
      List<Row> rows = new ArrayList<>(trainRows + validRows);
      String trainDay = config.get(Keys.SPLIT_TRAIN_END), validDay = config.get(Keys.SPLIT_VALID_END);
      for (int i = 0; i < trainRows + validRows; i++) rows.add(row(random, i, i < trainRows ? trainDay : validDay, vocabulary));
      this.table = spark.createDataFrame(rows, structType());
    }

    private static Row row(SplittableRandom random, long i, String day, int vocabulary) {
      int item = item(random, vocabulary);
      List<Integer> cat = new ArrayList<>(List.of(item));
      for (int f = 0; f < SMALL_FIELDS; f++) cat.add(1 + random.nextInt(99));
      List<Integer> history = new ArrayList<>();
      for (int h = 0; h < HISTORY; h++) history.add(item(random, vocabulary));
      int click = random.nextDouble() < ((item & 1) == 0 ? 0.3 : 0.1) ? 1 : 0; // a signal the item embedding can learn
      return RowFactory.create(cat, history, click, i, i, i, day);
    }

    /** A Zipf rank (P ∝ 1/rank over 10^6 ranks) scattered over [1, V) by a fixed mix. */
    private static int item(SplittableRandom random, int vocabulary) {
      long rank = (long) Math.pow(RANKS, random.nextDouble());
      long mixed = (rank * 0x9E3779B97F4A7C15L) ^ (rank >>> 7);
      return 1 + (int) Math.floorMod(mixed, (long) vocabulary - 1);
    }

    private static StructType structType() {
      return new StructType()
          .add(FeatureSchema.CAT_COLUMN, DataTypes.createArrayType(DataTypes.IntegerType), false)
          .add(FeatureSchema.sequenceColumn("click", "item"), DataTypes.createArrayType(DataTypes.IntegerType), false)
          .add(FeatureSchema.labelColumn("click"), DataTypes.IntegerType, true)
          .add("user_id", DataTypes.LongType, false).add("video_id", DataTypes.LongType, false)
          .add("time_ms", DataTypes.LongType, false).add("date", DataTypes.StringType, false);
    }

    @Override
    public String path() {
      return "synthetic:embedding-scale";
    }

    @Override
    public long version() {
      return 0;
    }

    @Override
    public FeatureSchema schema() {
      return schema;
    }

    @Override
    public IdEncoding encoding() {
      return IdEncoding.UNRECORDED;
    }

    @Override
    public Dataset<Row> table() {
      return table;
    }

    @Override
    public SplitDates splitDates() {
      return SplitDates.of(config);
    }
  }
}
