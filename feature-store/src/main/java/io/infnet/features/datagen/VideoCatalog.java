package io.infnet.features.datagen;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;

/**
 * Every video with what the hidden model needs of it (latent factors, author, duration, quality), plus the
 * two ways the simulated recommender picks candidates: by popularity and by tag. Broadcast to the log
 * generators, so it must fit in memory (millions of videos do; the user side is unbounded).
 */
final class VideoCatalog implements Serializable {
  private static final long serialVersionUID = 1L;
  static final long DEFAULT_DURATION_MS = 60_000L;

  final long[] videoIds;
  final long[] authorIds;
  final long[] durationMs;
  final String[] primaryTags;
  final float[][] latent;
  final float[][] authorLatent;
  final float[] quality;
  private final double[] cumulativePopularity;
  private final Map<String, int[]> videosByTag;

  /** @param rows (video_id, author_id, video_duration, tag) sorted by video_id */
  VideoCatalog(List<Row> rows, HiddenModel model) {
    int n = rows.size();
    if (n == 0) throw new IllegalArgumentException("the video table is empty: nothing to recommend");
    videoIds = new long[n];
    authorIds = new long[n];
    durationMs = new long[n];
    primaryTags = new String[n];
    latent = new float[n][];
    authorLatent = new float[n][];
    quality = new float[n];
    cumulativePopularity = new double[n];
    Map<String, List<Integer>> byTag = new LinkedHashMap<>();
    double total = 0;
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      videoIds[i] = r.getLong(0);
      authorIds[i] = r.isNullAt(1) ? -1 : r.getLong(1);
      durationMs[i] = r.isNullAt(2) ? DEFAULT_DURATION_MS : Math.max(1000L, Math.round(r.getDouble(2)));
      primaryTags[i] = firstTag(r.isNullAt(3) ? null : r.getString(3));
      SplittableRandom rng = SeededRandom.of(model.seed(), SeededRandom.VIDEO, videoIds[i]);
      latent[i] = model.videoLatent(primaryTags[i], rng);
      authorLatent[i] = model.authorLatent(authorIds[i]);
      quality[i] = (float) rng.nextGaussian();
      total += Math.exp(0.8 * quality[i] + 0.7 * rng.nextGaussian());
      cumulativePopularity[i] = total;
      byTag.computeIfAbsent(primaryTags[i], t -> new ArrayList<>()).add(i);
    }
    videosByTag = new LinkedHashMap<>();
    byTag.forEach((tag, list) -> videosByTag.put(tag, list.stream().mapToInt(Integer::intValue).toArray()));
  }

  static String firstTag(String tags) {
    if (tags == null) return "";
    int comma = tags.indexOf(',');
    return (comma < 0 ? tags : tags.substring(0, comma)).trim();
  }

  int size() {
    return videoIds.length;
  }

  int popular(SplittableRandom rng) {
    double r = rng.nextDouble() * cumulativePopularity[cumulativePopularity.length - 1];
    int i = Arrays.binarySearch(cumulativePopularity, r);
    return Math.min(size() - 1, i >= 0 ? i + 1 : -i - 1);
  }

  /** A video of {@code tag}, or a popular one when no video has that tag. */
  int withTag(String tag, SplittableRandom rng) {
    int[] videos = videosByTag.get(tag);
    return videos == null ? popular(rng) : videos[rng.nextInt(videos.length)];
  }

  /** A tag drawn in proportion to its number of videos: users like what exists. */
  String randomTag(SplittableRandom rng) {
    return primaryTags[rng.nextInt(size())];
  }
}
