package io.infnet.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.infnet.schema.FeatureSchema;
import io.infnet.schema.IdEncoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * features.hash_buckets: the ids of a hashed field are {@code 1 + murmur3_x86_32(UTF-8 bytes of the value's string form,
 * seed SEED) mod B}, the hash read as unsigned 32 bits, and 0 for a missing value, as with vocabularies. The string form
 * is the one vocabularies key on ({@link Vocabulary#valueOf}: 123 → "123"), so the same id gets the same bucket in full
 * builds, day ranges, candidates and on every executor, and can be reproduced elsewhere (Python: {@code 1 +
 * mmh3.hash(s, 0x1D5EED, signed=False) % B}). Nothing is stored: the function, seed and bucket counts are the mapping, and
 * are recorded in {@link IdEncoding.Hashing}.
 */
final class IdHashing {
  static final String FUNCTION = "murmur3_x86_32";
  static final int SEED = 0x1D5EED;
  private final Map<String, Integer> buckets;

  IdHashing(Map<String, Integer> buckets) {
    this.buckets = Collections.unmodifiableMap(new TreeMap<>(buckets)); // sorted: quality rows in a stable order
  }

  boolean hashes(String field) {
    return buckets.containsKey(field);
  }

  /** Buckets plus the missing id 0. */
  int cardinality(String field) {
    return buckets.get(field) + 1;
  }

  IdEncoding.Hashing recorded() {
    return new IdEncoding.Hashing(FUNCTION, SEED, buckets);
  }

  /** The id of {@code value} among {@code buckets} buckets: 1..buckets, 0 for null. */
  static int bucket(String value, int buckets) {
    if (value == null) return 0;
    return 1 + (int) (Integer.toUnsignedLong(murmur3(value.getBytes(StandardCharsets.UTF_8), SEED)) % buckets);
  }

  /** MurmurHash3 x86_32 (Austin Appleby's reference, little-endian blocks). */
  static int murmur3(byte[] data, int seed) {
    int h = seed, i = 0;
    for (; i + 4 <= data.length; i += 4) {
      int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
      h ^= mixK(k);
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    int tail = 0, left = data.length - i;
    if (left == 3) tail ^= (data[i + 2] & 0xff) << 16;
    if (left >= 2) tail ^= (data[i + 1] & 0xff) << 8;
    if (left >= 1) h ^= mixK(tail ^ (data[i] & 0xff));
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  private static int mixK(int k) {
    return Integer.rotateLeft(k * 0xcc9e2d51, 15) * 0x1b873593;
  }

  private UserDefinedFunction hasher(String field) {
    int b = buckets.get(field);
    return udf((UDF1<String, Integer>) value -> bucket(value, b), DataTypes.IntegerType);
  }

  /**
   * Adds {@code __id_<field>} per hashed field in {@code fields} and {@code multi_<field>} (element-wise) per hashed
   * field in {@code multiValued}, as {@link Vocabulary#encode} does for the others.
   */
  Dataset<Row> encode(Dataset<Row> rows, List<String> fields, List<String> multiValued) {
    List<Column> columns = new ArrayList<>(List.of(col("*")));
    for (String f : fields) columns.add(hasher(f).apply(Vocabulary.valueOf(f)).as(Vocabulary.idColumn(f)));
    for (String f : multiValued) {
      UserDefinedFunction h = hasher(f);
      columns.add(transform(col(Vocabulary.valuesColumn(f)), v -> h.apply(v)).as(FeatureSchema.multiValuedColumn(f)));
    }
    return columns.size() == 1 ? rows : rows.select(columns.toArray(Column[]::new));
  }

  /**
   * Per hashed field, over the distinct non-null values of {@code rows} (every listed value of a multi-valued field):
   * ids seen, buckets used, the fraction of ids sharing their bucket with another id seen (exact) and its expected
   * value for that many ids hashed uniformly, {@code 1 - (1 - 1/B)^(n-1)} (docs/DATA_POLICY.md, "Hashed fields").
   */
  void recordCollisions(Dataset<Row> rows, List<String> multiValued, QualityReport quality) {
    if (buckets.isEmpty()) return;
    Dataset<Row> perField = null;
    for (String f : buckets.keySet()) {
      Column values = multiValued.contains(f) ? col(Vocabulary.valuesColumn(f)) : array(Vocabulary.valueOf(f));
      Dataset<Row> ids = rows.select(explode(values).as("value")).where(col("value").isNotNull()).distinct()
          .select(hasher(f).apply(col("value")).as("bucket")).groupBy("bucket").count()
          .agg(sum("count").as("ids"), count(lit(1)).as("used"), sum(when(col("count").geq(2), col("count")).otherwise(0)).as("colliding"))
          .select(lit(f).as("field"), col("ids"), col("used"), col("colliding"));
      perField = perField == null ? ids : perField.unionAll(ids);
    }
    for (Row r : perField.collectAsList()) {
      String f = r.getString(0);
      long ids = r.isNullAt(1) ? 0 : r.getLong(1), colliding = r.isNullAt(3) ? 0 : r.getLong(3);
      quality.add(QualityReport.HASH_IDS, f, ids);
      quality.add(QualityReport.HASH_BUCKETS_USED, f, r.getLong(2));
      quality.add(QualityReport.HASH_COLLIDING, f, ids == 0 ? 0 : (double) colliding / ids);
      quality.add(QualityReport.HASH_EXPECTED_COLLIDING, f, expectedCollidingFraction(ids, buckets.get(f)));
    }
  }

  /** The chance that one of n ids hashed uniformly into b buckets shares its bucket with another. */
  static double expectedCollidingFraction(long n, int b) {
    return n <= 1 ? 0 : -Math.expm1((n - 1) * Math.log1p(-1.0 / b));
  }
}
