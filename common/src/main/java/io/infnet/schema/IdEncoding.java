package io.infnet.schema;

import io.infnet.json.Jsons;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which id mappings a feature table's ids come from: the vocabulary and the numeric bucket splits, each as the Delta
 * version of its table and a hash of its content, and the hashing of the hashed fields (function, seed, buckets). The feature build records it on the table ({@value #TABLE_PROPERTY});
 * every model records its table's in its provenance. Ids mean values only through these mappings, and a refit can
 * reorder ids at equal cardinality, so the schema check alone cannot see it: scoring compares the hashes and names both
 * versions when they differ (equal hashes at other versions are equal mappings, e.g. a refit on the same rows).
 *
 * @param vocabulary   null when not recorded (a table or model from before mappings were recorded)
 * @param bucketSplits null when not recorded
 * @param hashing      null when not recorded (a table or model from before hashing existed: it hashed no field)
 */
public record IdEncoding(Mapping vocabulary, Mapping bucketSplits, Hashing hashing) {
  /** The feature table property holding the build's encoding as JSON. */
  public static final String TABLE_PROPERTY = "infnet.id_encoding";
  /** The property tables built before {@link #TABLE_PROPERTY} held: the vocabulary's hash alone. */
  public static final String LEGACY_TABLE_PROPERTY = "infnet.vocabulary_fingerprint";
  /** Nothing recorded: nothing to compare. */
  public static final IdEncoding UNRECORDED = new IdEncoding(null, null, null);

  /**
   * One mapping table at one version.
   *
   * @param deltaVersion -1 when unknown (recorded before versions were)
   */
  public record Mapping(long deltaVersion, String contentHash) {
    public Mapping {
      if (contentHash == null || contentHash.isEmpty()) throw new IllegalArgumentException("an id mapping needs a content hash");
    }

    String describe() {
      return (deltaVersion >= 0 ? "Delta version " + deltaVersion : "an unrecorded Delta version") + " (hash " + contentHash + ")";
    }
  }

  /**
   * How the hashed fields' ids were made: {@code 1 + function(value, seed) mod buckets[field]}. Part of the binding
   * because a model's embedding rows mean ids only for this function, seed and bucket count.
   *
   * @param buckets bucket count per hashed field (empty: no field hashed)
   */
  public record Hashing(String function, int seed, Map<String, Integer> buckets) {
    public Hashing {
      // sorted: the JSON recorded on tables and models is the same for the same buckets in every JVM
      buckets = Collections.unmodifiableMap(new TreeMap<>(buckets == null ? Map.of() : buckets));
    }

    String describe() {
      if (buckets.isEmpty()) return "no hashed field";
      return function + " seed " + seed + " " + buckets;
    }
  }

  public static IdEncoding of(long vocabularyVersion, String vocabularyHash, long splitsVersion, String splitsHash) {
    return new IdEncoding(new Mapping(vocabularyVersion, vocabularyHash), new Mapping(splitsVersion, splitsHash), null);
  }

  public IdEncoding withHashing(Hashing h) {
    return new IdEncoding(vocabulary, bucketSplits, h);
  }

  /** The vocabulary hash alone, as tables and models recorded it before the rest; "" or null = nothing recorded. */
  public static IdEncoding ofLegacyFingerprint(String vocabularyFingerprint) {
    if (vocabularyFingerprint == null || vocabularyFingerprint.isEmpty()) return UNRECORDED;
    return new IdEncoding(new Mapping(-1, vocabularyFingerprint), null, null);
  }

  public static IdEncoding fromJson(String json) {
    return Jsons.read(json, IdEncoding.class, "id encoding");
  }

  public String toJson() {
    return Jsons.write(this);
  }

  /**
   * How ids of this encoding differ from ids of {@code other}, one line per mapping naming both versions, e.g. "the
   * model's ids come from the vocabulary at Delta version 0 (hash …), the rows' from Delta version 1 (hash …)"; empty
   * when every mapping recorded on both sides has the same content.
   *
   * @param mine   whose ids these are, possessive ("the model's")
   * @param theirs whose ids {@code other}'s are ("the rows'")
   */
  public List<String> differences(String mine, IdEncoding other, String theirs) {
    List<String> out = new ArrayList<>();
    compare("vocabulary", vocabulary, other.vocabulary).ifPresent(d -> out.add(String.format(Locale.ROOT, d, mine, theirs)));
    compare("bucket splits", bucketSplits, other.bucketSplits).ifPresent(d -> out.add(String.format(Locale.ROOT, d, mine, theirs)));
    if (hashing != null && other.hashing != null && !hashing.equals(other.hashing)) {
      out.add(mine + " hashed ids come from " + hashing.describe() + ", " + theirs + " from " + other.hashing.describe());
    }
    return out;
  }

  private static Optional<String> compare(String what, Mapping a, Mapping b) {
    if (a == null || b == null || a.contentHash().equals(b.contentHash())) return Optional.empty();
    return Optional.of("%s ids come from the " + what + " at " + a.describe() + ", %s from " + b.describe());
  }

  /** "vocabulary v3, bucket splits v3" for summaries. */
  public String summary() {
    String hashed = hashing == null || hashing.buckets().isEmpty() ? "" : ", hashed " + hashing.describe();
    return "vocabulary " + brief(vocabulary) + ", bucket splits " + brief(bucketSplits) + hashed;
  }

  private static String brief(Mapping m) {
    return m == null ? "unrecorded" : (m.deltaVersion() >= 0 ? "v" + m.deltaVersion() : "v?") + " #" + m.contentHash();
  }
}
