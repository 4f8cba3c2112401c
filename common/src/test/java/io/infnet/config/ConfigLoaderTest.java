package io.infnet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void defaultsCoverEveryKey() {
    InfnetConfig c = InfnetConfig.defaults();
    assertEquals(Keys.all().size(), c.toPlain().size());
    assertEquals("./lake", c.get(Keys.LAKE_ROOT));
    assertEquals(List.of("click", "like", "long_view"), c.get(Keys.TASKS));
  }

  @Test
  void fileThenSetOverridesInOrder() throws IOException {
    Path f = yaml("train:\n  batch_size: 256\n  learning_rate: 0.01\nmodel:\n  dim: 16\n");
    InfnetConfig c = ConfigLoader.load(f, List.of("train.batch_size=512", "tasks.names=click,like"));
    assertEquals(512, c.get(Keys.TRAIN_BATCH_SIZE));
    assertEquals(0.01, c.get(Keys.TRAIN_LEARNING_RATE));
    assertEquals(16, c.get(Keys.MODEL_DIM));
    assertEquals(List.of("click", "like"), c.get(Keys.TASKS));
  }

  @Test
  void unknownKeyInFileNamesKeyFileAndNeighbours() throws IOException {
    Path f = yaml("train:\n  batchsize: 256\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, List.of()));
    assertTrue(e.getMessage().contains("unknown config key 'train.batchsize'"), e.getMessage());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("train.batch_size"), e.getMessage());
  }

  @Test
  void illTypedSetNamesKeyAndExpectation() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("train.batch_size=abc")));
    assertEquals("config key 'train.batch_size' (from --set): expected an integer in [1, 4194304], got 'abc'", e.getMessage());
    ConfigException range = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("model.dim=0")));
    assertTrue(range.getMessage().contains("model.dim"), range.getMessage());
    ConfigException choice = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("model.type=xgboost")));
    assertTrue(choice.getMessage().contains("one of infnet, shared_bottom, mmoe, ple, dcnv2, full_attention"), choice.getMessage());
  }

  @Test
  void malformedSetAndBadYamlAreNamed() throws IOException {
    assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("novalue")));
    Path f = yaml("train: [1, 2\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, List.of()));
    assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("none.yaml"), List.of()));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  @Test
  void crossKeyRulesAreChecked() {
    ConfigException heads = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("model.dim=30", "model.heads=4")));
    assertTrue(heads.getMessage().contains("model.heads"), heads.getMessage());
    ConfigException task = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("tasks.names=click,purchase")));
    assertTrue(task.getMessage().contains("'purchase' has no label rule"), task.getMessage());
    ConfigException split = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, List.of("split.train_end=2022-04-20", "split.valid_end=2022-04-19")));
    assertTrue(split.getMessage().contains("split.valid_end"), split.getMessage());
    ConfigException multi = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("features.multi_valued.genre=3")));
    assertTrue(multi.getMessage().contains("'genre' is not in features.categorical"), multi.getMessage());
    assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("features.multi_valued.video_id=3")));
  }

  /** features.hash_buckets: categorical fields only, at least 2 buckets; each refusal is one line naming the key and field. */
  @Test
  void hashBucketsAreValidatedUpFront() {
    assertEquals(Map.of("user_id", 1000, "tag", 64),
        ConfigLoader.load(null, List.of("features.hash_buckets.user_id=1000", "features.hash_buckets.tag=64")).get(Keys.FEATURES_HASH_BUCKETS));
    assertEquals("config key 'features.hash_buckets': 'genre' is not in features.categorical",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("features.hash_buckets.genre=10"))).getMessage());
    assertEquals("config key 'features.hash_buckets': 'video_duration' is a numeric field (features.numeric), only categorical fields are hashed",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("features.hash_buckets.video_duration=10"))).getMessage());
    String one = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("features.hash_buckets.user_id=1"))).getMessage();
    assertTrue(one.contains("features.hash_buckets") && one.contains("user_id") && !one.contains("\n"), one);
  }

  @Test
  void mapEntriesCanBeSetOneByOne() {
    InfnetConfig c = ConfigLoader.load(null, List.of("tasks.weights.like=2.5", "tasks.labels.click=is_click = 1"));
    assertEquals(Map.of("like", 2.5), c.get(Keys.TASK_WEIGHTS));
    assertEquals("is_click = 1", c.get(Keys.TASK_LABELS).get("click"));
    assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("tasks.weights.like=heavy")));
    assertEquals(Map.of("tag", 4, "author_id", 2), ConfigLoader.load(null, List.of("features.multi_valued.author_id=2")).get(Keys.FEATURES_MULTI_VALUED));
  }

  @Test
  void hashIsCanonicalAndChangesWithValues() throws IOException {
    InfnetConfig a = ConfigLoader.load(yaml("model:\n  dim: 16\n"), List.of());
    InfnetConfig b = ConfigLoader.load(null, List.of("model.dim=16"));
    assertEquals(a.hash(), b.hash());
    assertEquals(a, b);
    assertNotEquals(a.hash(), InfnetConfig.defaults().hash());
  }

  /** A run resumes on another cluster size: where and on how many workers it runs is not part of its training hash. */
  @Test
  void trainingHashIgnoresWhereAndOnHowManyWorkersARunTrains() {
    InfnetConfig local = InfnetConfig.defaults();
    InfnetConfig cluster = local.with("train.workers=2", "spark.master=spark://host:7077", "train.threads=4", "spark.shuffle_partitions=64");
    assertNotEquals(local.hash(), cluster.hash());
    assertEquals(local.trainingHash(), cluster.trainingHash());
    assertNotEquals(local.trainingHash(), local.with("model.dim=16").trainingHash());
    assertNotEquals(local.trainingHash(), local.with("train.embedding_update=sharded").trainingHash());
  }

  @Test
  void recordedJsonReloadsToTheSameConfig() throws IOException {
    InfnetConfig c = ConfigLoader.load(null, List.of("model.dim=48", "model.heads=3", "tasks.weights.click=3"));
    Path recorded = dir.resolve("config.json");
    Files.writeString(recorded, c.toJson());
    InfnetConfig reloaded = ConfigLoader.load(recorded, List.of());
    assertEquals(c, reloaded);
    assertEquals(c, ConfigLoader.fromJson(c.toJson(), "test"));
    assertEquals(c.hash(), reloaded.hash());
  }

  @Test
  void defaultsFileInConfMatchesTheRegistry() throws IOException {
    Path conf = Path.of(System.getProperty("infnet.project.dir", "..")).resolve("conf/infnet.yaml");
    assertEquals(ConfigLoader.renderDefaultsYaml(), Files.readString(conf),
        "conf/infnet.yaml is out of date: regenerate it with bin/infnet config --defaults > conf/infnet.yaml");
    assertEquals(InfnetConfig.defaults(), ConfigLoader.load(conf, List.of()));
  }
}
