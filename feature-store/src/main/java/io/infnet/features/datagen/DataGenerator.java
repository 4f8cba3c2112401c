package io.infnet.features.datagen;

import io.infnet.config.InfnetConfig;
import io.infnet.config.Keys;
import io.infnet.features.raw.OracleTable;
import io.infnet.features.raw.RawSchemas;
import io.infnet.features.raw.RawTables;
import io.infnet.features.spark.Delta;
import io.infnet.features.spark.PhaseTimer;
import io.infnet.lake.LakePaths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Writes the three raw tables of a KuaiRand-like lake (log, users, videos) from a hidden model
 * (docs/DATAGEN.md), or generates only the log over real user/video CSVs, and beside the log its oracle: the true
 * probabilities its flags were drawn with. Users are simulated in parallel, each from its own seeded stream, so the
 * output depends on the seed only.
 */
public final class DataGenerator {
  /** Log rows one partition should hold at most, so that tasks stay small at any scale. */
  private static final long ROWS_PER_PARTITION = 2_000_000L;

  private DataGenerator() {}

  public static DatagenResult run(SparkSession spark, InfnetConfig config) {
    LakePaths lake = LakePaths.of(config);
    long seed = config.get(Keys.DATAGEN_SEED);
    double scale = config.get(Keys.DATAGEN_SCALE);
    LocalDate start = LocalDate.parse(config.get(Keys.DATAGEN_START_DATE));
    PhaseTimer timer = new PhaseTimer(DataGenerator.class, "datagen");

    Delta.overwrite(users(spark, config, seed, scale), lake.rawUsers());
    Delta.overwrite(videos(spark, config, seed, start), lake.rawVideos());
    timer.lap("users and videos");
    Dataset<Row> users = Delta.read(spark, lake.rawUsers());
    Dataset<Row> videos = Delta.read(spark, lake.rawVideos());

    HiddenModel model = new HiddenModel(seed);
    List<Row> catalogRows = videos.select("video_id", "author_id", "video_duration", "tag").orderBy("video_id").collectAsList();
    Broadcast<VideoCatalog> catalog = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new VideoCatalog(catalogRows, model));
    int days = config.get(Keys.DATAGEN_DAYS);
    double perUserDay = config.get(Keys.DATAGEN_IMPRESSIONS_PER_USER_DAY) * impressionScale(config, scale);
    long userCount = users.count();
    // simulated once, written twice: the log, then its oracle (which must follow the log it belongs to)
    Dataset<Row> generated = log(spark, users, model, catalog, start, days, perUserDay, userCount,
        config.get(Keys.SPARK_SHUFFLE_PARTITIONS)).persist(StorageLevel.MEMORY_AND_DISK());
    Delta.overwrite(generated.select(columns(RawSchemas.LOG.fieldNames())), lake.rawLog(), "date");
    timer.lap("log");
    OracleTable.write(spark, oracle(generated), lake);
    generated.unpersist();
    catalog.destroy();
    timer.lap("oracle");

    return new DatagenResult(Delta.read(spark, lake.rawLog()).count(), userCount, videos.count(),
        lake.rawLog(), lake.rawUsers(), lake.rawVideos(), lake.rawOracle());
  }

  /** The key and date of each generated impression, and the true probability of each flag under the flag's name. */
  private static Dataset<Row> oracle(Dataset<Row> generated) {
    List<Column> columns = new ArrayList<>(List.of(columns("user_id", "video_id", "time_ms", "date")));
    for (String flag : RawSchemas.ORACLE_FLAGS) columns.add(functions.col(UserLogSimulator.ORACLE_PREFIX + flag).as(flag));
    return generated.select(columns.toArray(Column[]::new));
  }

  private static Column[] columns(String... names) {
    return Arrays.stream(names).map(functions::col).toArray(Column[]::new);
  }

  /**
   * datagen.scale multiplies the total volume: with generated users, both users and impressions per user-day
   * grow by sqrt(scale); with real users (a fixed set), impressions per user-day grow by scale.
   */
  private static double impressionScale(InfnetConfig config, double scale) {
    return config.get(Keys.DATAGEN_USERS_CSV).isEmpty() ? Math.sqrt(scale) : scale;
  }

  private static Dataset<Row> users(SparkSession spark, InfnetConfig config, long seed, double scale) {
    String csv = config.get(Keys.DATAGEN_USERS_CSV);
    if (!csv.isEmpty()) return RawTables.readCsv(spark, csv, RawSchemas.USERS);
    long count = Math.max(1, Math.round(config.get(Keys.DATAGEN_USERS) * Math.sqrt(scale)));
    JavaRDD<Row> rows = ids(spark, count).map(id -> SyntheticProfiles.user(seed, id));
    return spark.createDataFrame(rows, RawSchemas.USERS);
  }

  private static Dataset<Row> videos(SparkSession spark, InfnetConfig config, long seed, LocalDate start) {
    String csv = config.get(Keys.DATAGEN_VIDEOS_CSV);
    if (!csv.isEmpty()) return RawTables.readCsv(spark, csv, RawSchemas.VIDEOS);
    long count = config.get(Keys.DATAGEN_VIDEOS);
    JavaRDD<Row> rows = ids(spark, count).map(id -> SyntheticProfiles.video(seed, id, count, start));
    return spark.createDataFrame(rows, RawSchemas.VIDEOS);
  }

  private static JavaRDD<Long> ids(SparkSession spark, long count) {
    int partitions = (int) Math.max(1, Math.min(10_000, count / 500_000));
    return spark.range(0, count, 1, partitions).toJavaRDD();
  }

  private static Dataset<Row> log(SparkSession spark, Dataset<Row> users, HiddenModel model, Broadcast<VideoCatalog> catalog,
      LocalDate start, int days, double perUserDay, long userCount, int shufflePartitions) {
    long expectedRows = (long) (userCount * days * perUserDay);
    int partitions = (int) Math.max(shufflePartitions, Math.min(100_000, expectedRows / ROWS_PER_PARTITION + 1));
    JavaRDD<Row> rows = users.select("user_id", "user_active_degree")
        .where(functions.col("user_id").isNotNull())
        .repartition(partitions, functions.col("user_id"))
        .javaRDD()
        .mapPartitions(part -> simulate(part, new UserLogSimulator(model, catalog.value(), start, days, perUserDay)));
    return spark.createDataFrame(rows, UserLogSimulator.ROWS);
  }

  /** Lazily, user by user: a partition's log is never held in memory, only one user's. */
  private static Iterator<Row> simulate(Iterator<Row> users, UserLogSimulator simulator) {
    return new Iterator<>() {
      private Iterator<Row> current = new ArrayList<Row>().iterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && users.hasNext()) {
          Row user = users.next();
          current = simulator.simulate(user.getLong(0), user.isNullAt(1) ? null : user.getString(1)).iterator();
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) throw new java.util.NoSuchElementException();
        return current.next();
      }
    };
  }
}
