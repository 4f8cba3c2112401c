package io.infnet.model.compare;

import io.infnet.config.ConfigLoader;
import io.infnet.config.InfnetConfig;
import io.infnet.model.data.ExampleSet;
import io.infnet.schema.FeatureSchema;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A comparison without Spark, over splits exported by {@code bin/infnet compare --export=DIR} (schema.json,
 * config.json and {train,valid,test}.bin.gz): for hosts that have libtorch but not the lake (e.g. a GPU machine).
 * <pre>java -cp ... io.infnet.model.compare.CompareMain DATA_DIR VARIANTS_FILE SEEDS OUT_DIR [TITLE]</pre>
 */
public final class CompareMain {
  private CompareMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: CompareMain DATA_DIR VARIANTS_FILE SEEDS(7,8,9) OUT_DIR [TITLE]");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    FeatureSchema schema = FeatureSchema.fromJson(Files.readString(data.resolve("schema.json"), StandardCharsets.UTF_8));
    InfnetConfig config = ConfigLoader.fromJson(Files.readString(data.resolve("config.json"), StandardCharsets.UTF_8), "config.json");
    ExampleSet train = read(data, "train", schema);
    ExampleSet valid = read(data, "valid", schema);
    ExampleSet test = read(data, "test", schema);
    List<Long> seeds = new ArrayList<>();
    for (String s : args[2].split(",")) seeds.add(Long.parseLong(s.strip()));
    String title = args.length > 4 ? args[4] : "Model comparison";
    String header = String.format(java.util.Locale.ROOT, "Exported splits %s: %,d train / %,d valid / %,d test rows. Config hash %s. Test split; mean ± std over seeds.",
        data, train.size(), valid.size(), test.size(), config.hash());
    ModelComparison comparison = new ModelComparison(config, schema, train, valid, test, System.out);
    System.out.print(comparison.runAll(Variant.parse(Path.of(args[1])), seeds, Path.of(args[3]), title, header));
  }

  private static ExampleSet read(Path dir, String split, FeatureSchema schema) throws IOException {
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve(split + ".bin.gz"))), 1 << 16)) {
      return ExampleSet.read(in, schema);
    }
  }
}
