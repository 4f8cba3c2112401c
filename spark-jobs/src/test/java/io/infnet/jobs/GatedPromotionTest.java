package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import io.infnet.features.FeatureTables;
import io.infnet.features.spark.SparkSessions;
import io.infnet.jobs.data.FeatureSnapshot;
import io.infnet.jobs.promote.PromotionGate;
import io.infnet.jobs.registry.ModelRegistry;
import io.infnet.jobs.registry.ModelStore;
import io.infnet.schema.FeatureSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promote --gate} on a real lake with two registered versions of one model: v1 never learned (one step at the
 * smallest learning rate: its initial random weights), v2 is trained. Every test works on its own copy of that lake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatedPromotionTest {
  private static final List<String> TASKS = List.of("click", "long_view");
  private static final String[] SMALL = {"datagen.users=150", "datagen.videos=120", "datagen.days=6",
      "split.train_end=2022-04-11", "split.valid_end=2022-04-12", "features.sequence_max_length=8",
      "tasks.names=click,long_view", "model.dim=8", "model.tower_hidden=16", "train.batch_size=128", "train.epochs=3",
      "train.warmup_steps=0", "train.learning_rate=0.01", "train.checkpoint_every=0",
      "spark.master=local[2]", "spark.shuffle_partitions=2"};

  @TempDir static Path tmp;
  private Path built;

  @BeforeAll
  void aLakeWithAnUntrainedAndATrainedVersion() throws Exception {
    built = tmp.resolve("built");
    inProcess(new DatagenJob());
    inProcess(new FeaturesJob());
    inProcess(new TrainJob(), "train.learning_rate=0.000000001", "train.max_steps=1");
    inProcess(new TrainJob());
  }

  @Test
  void withoutProductionTheCandidateIsPromotedAndItsMetricsRecorded() throws Exception {
    Path lake = copy();
    Run gated = promote(lake, "--gate", "--version=1");

    assertEquals(0, gated.code(), gated.all());
    assertEquals("1", production(lake));
    List<Row> log = promotions(lake);
    assertEquals(1, log.size());
    Row d = log.get(0);
    assertTrue(d.<Boolean>getAs("gated") && d.<Boolean>getAs("promoted"));
    assertEquals(PromotionGate.NO_PRODUCTION, d.getAs("reason"));
    assertNull(d.getAs("production_version"));
    assertEquals(System.getProperty("user.name"), d.getAs("decided_by"));
    List<Row> metrics = d.getList(d.fieldIndex("metrics"));
    assertEquals(TASKS, metrics.stream().map(m -> m.<String>getAs("task")).toList());
    for (Row m : metrics) {
      assertNull(m.getAs("production_auc"));
      assertTrue(m.<Double>getAs("candidate_auc") > 0, "the candidate was measured: " + m);
    }
  }

  @Test
  void aCandidateAtLeastAsGoodIsPromotedAndEachDecisionIsRecorded() throws Exception {
    Path lake = copy();
    Run forced = promote(lake, "--version=1");
    Run gated = promote(lake, "--gate", "--version=2");

    assertEquals(0, forced.code(), forced.all());
    assertEquals(0, gated.code(), gated.all());
    assertEquals("2", production(lake), "the pointer moved to the candidate");
    assertTrue(gated.out().contains("production AUC  candidate AUC  change"), gated.out());
    List<Row> log = promotions(lake);
    assertEquals(2, log.size());
    Row force = log.get(0), gate = log.get(1);
    assertFalse(force.<Boolean>getAs("gated"));
    assertEquals(PromotionGate.FORCED, force.getAs("reason"));
    assertTrue(force.getList(force.fieldIndex("metrics")).isEmpty());
    assertNull(force.getAs("features_version"));

    assertTrue(gate.<Boolean>getAs("gated") && gate.<Boolean>getAs("promoted"), gate.toString());
    assertEquals(2, (int) gate.getAs("candidate_version"));
    assertEquals(1, (int) gate.getAs("production_version"));
    for (Row m : gate.<Row>getList(gate.fieldIndex("metrics"))) {
      assertTrue(m.<Double>getAs("auc_drop") <= 0.002, "the trained version is no worse on " + m);
    }
  }

  @Test
  void aWorseCandidateIsRefusedAndProductionStays() throws Exception {
    Path lake = copy();
    promote(lake, "--version=2");
    Run gated = promote(lake, "--gate", "--version=1");

    assertEquals(1, gated.code(), gated.all());
    assertEquals("2", production(lake), "a refused candidate leaves production where it was");
    assertTrue(gated.err().contains("infnet v1 not promoted, production stays v2: AUC drops by more than promote.max_auc_drop=0.002"),
        gated.err());
    assertTrue(gated.out().contains("production AUC  candidate AUC  change"), "the per-task table is printed: " + gated.out());
    Row d = promotions(lake).get(1);
    assertTrue(d.<Boolean>getAs("gated"));
    assertFalse(d.<Boolean>getAs("promoted"));
    assertEquals(2, (int) d.getAs("production_version"));
    String reason = d.getAs("reason");
    List<Row> failing = d.<Row>getList(d.fieldIndex("metrics")).stream().filter(m -> m.<Double>getAs("auc_drop") > 0.002).toList();
    assertFalse(failing.isEmpty(), "some task's drop is recorded: " + d);
    for (Row m : failing) {
      String task = m.getAs("task");
      assertTrue(reason.contains(task + " ") && gated.err().contains(task + " "), "the refusal names " + task + ": " + reason);
      assertEquals(m.<Double>getAs("production_auc") - m.<Double>getAs("candidate_auc"), m.<Double>getAs("auc_drop"), 1e-12);
    }
  }

  /** The table moves on after both models were trained: the gate reads its current version once, for both. */
  @Test
  void bothVersionsAreMeasuredOnTheSameRowsOfOnePinnedFeatureVersion() throws Exception {
    Path lake = copy();
    String features = lake.resolve("features/impressions").toString();
    long trainedOn = FeatureTables.currentVersion(spark(), features);
    spark().sql("DELETE FROM delta.`" + features + "` WHERE split = 'test' AND user_id % 3 = 0");
    long current = FeatureTables.currentVersion(spark(), features);
    promote(lake, "--version=1");
    Run gated = promote(lake, "--gate", "--version=2");

    assertEquals(0, gated.code(), gated.all());
    assertNotEquals(trainedOn, current);
    Row d = promotions(lake).get(1);
    assertEquals(current, (long) d.getAs("features_version"));
    assertTrue(d.<String>getAs("features_path").endsWith("features/impressions"), d.toString());
    assertEquals("test", d.getAs("split"));
    Dataset<Row> test = spark().read().format("delta").option("versionAsOf", current).load(features).where("split = 'test'");
    for (Row m : d.<Row>getList(d.fieldIndex("metrics"))) {
      long labelled = test.where(FeatureSchema.labelColumn(m.getAs("task")) + " IS NOT NULL").count();
      assertEquals(labelled, (long) m.getAs("rows"), "both versions measured on the test rows at version " + current + ": " + m);
    }
  }

  @Test
  void aCandidateThatDoesNotFitTheRowsIsRefusedWithTheScoringCheck() throws Exception {
    Path lake = copy();
    InfnetConfig config = config(lake);
    ModelStore registry = new ModelRegistry(lake.resolve("models").toString(), spark().sparkContext().hadoopConfiguration());
    FeatureSnapshot rebuilt = new OtherVocabulary(FeatureSnapshot.open(spark(), lake.resolve("features/impressions").toString(), config));

    PromotionGate.Decision d = new PromotionGate(spark(), config, registry)
        .decide(registry.resolve("infnet", "2"), registry.production("infnet"), rebuilt);

    assertFalse(d.promoted());
    assertTrue(d.reason().startsWith("model infnet v2 does not fit feature table") && d.reason().contains("vocabulary 0000-other"),
        d.reason());
    assertTrue(d.comparison().orElseThrow().tasks().isEmpty(), "nothing scored");
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private static Run promote(Path lake, String... flags) {
    List<String> args = new ArrayList<>(List.of("promote"));
    args.addAll(List.of(flags));
    for (String s : settings(lake)) args.addAll(List.of("--set", s));
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = Main.run(args.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
    Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.print(run.all()); // the per-task tables, in the test's log
    return run;
  }

  /** Runs a job on the built lake in this JVM's Spark session, left open for the next one (faster than Main.run). */
  private void inProcess(Job job, String... overrides) throws Exception {
    List<String> sets = new ArrayList<>(settings(built));
    sets.addAll(List.of(overrides));
    job.run(new JobContext(job, JobArgs.parse(job.name(), List.of()), ConfigLoader.load(null, sets), System.out));
  }

  private static List<String> settings(Path lake) {
    List<String> s = new ArrayList<>(List.of(SMALL));
    s.add("lake.root=" + lake);
    return s;
  }

  private static InfnetConfig config(Path lake) {
    return JobContext.withQualifiedLakeRoot(ConfigLoader.load(null, settings(lake)));
  }

  private static SparkSession spark() {
    return SparkSessions.getOrCreate(config(Path.of(".")), "gated-promotion-test"); // Main.run stops the session it used
  }

  private static String production(Path lake) throws IOException {
    return Files.readString(lake.resolve("models/infnet/PRODUCTION")).trim();
  }

  private static List<Row> promotions(Path lake) {
    return spark().read().format("delta").load(lake.resolve("promotions").toString()).orderBy("decided_at").collectAsList();
  }

  /** A fresh copy of the built lake. */
  private Path copy() {
    try (Stream<Path> paths = Files.walk(built)) {
      Path to = Files.createTempDirectory(tmp, "lake-");
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path dest = to.resolve(built.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(dest);
        else Files.copy(p, dest);
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same rows, as if the table had been rebuilt with another vocabulary. */
  private record OtherVocabulary(FeatureSnapshot rows) implements FeatureSnapshot {
    @Override
    public String path() {
      return rows.path();
    }

    @Override
    public long version() {
      return rows.version();
    }

    @Override
    public FeatureSchema schema() {
      return rows.schema();
    }

    @Override
    public String vocabularyFingerprint() {
      return "0000-other";
    }

    @Override
    public Dataset<Row> table() {
      return rows.table();
    }

    @Override
    public io.infnet.jobs.data.SplitDates splitDates() {
      return rows.splitDates();
    }
  }
}
