package io.infnet.features.datagen;

import java.time.LocalDate;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Rows of synthetic users and videos with the columns, value formats and rough marginals of KuaiRand-Pure's
 * user_features_pure.csv and video_features_basic_pure.csv (see docs/DATAGEN.md). Each row depends only on
 * (seed, id).
 */
final class SyntheticProfiles {
  private SyntheticProfiles() {}

  static final String[] ACTIVE_DEGREES = {"full_active", "high_active", "middle_active", "2_14_day_new", "low_active",
      "single_low_active", "30day_retention", "day_new", "UNKNOWN"};
  private static final double[] ACTIVE_DEGREE_WEIGHTS = {65.8, 22.6, 7.8, 2.3, 1.1, 0.25, 0.06, 0.04, 0.02};

  private static final String[] UPLOAD_TYPES = {"LongImport", "Web", "ShortImport", "Kmovie", "LongPicture", "UNKNOWN",
      "PictureSet", "LongCamera", "ShortCamera", "ShareFromOtherApp"};
  private static final double[] UPLOAD_TYPE_WEIGHTS = {2925, 2416, 917, 879, 143, 80, 73, 64, 43, 29};

  /** Synthetic tags are "0".."NUM_TAGS-1" with Zipf-like popularity, like KuaiRand's ~45 used tag ids. */
  static final int NUM_TAGS = 40;

  /** Videos per author on average: authors need several videos for author affinity to be learnable. */
  private static final int VIDEOS_PER_AUTHOR = 3;

  static Row user(long seed, long userId) {
    SplittableRandom r = SeededRandom.of(seed, SeededRandom.USER_FEATURES, userId);
    int follow = (int) Math.min(5000, Math.round(Math.exp(5.0 + 1.6 * r.nextGaussian())));
    int fans = (int) Math.min(2_000_000, Math.round(Math.exp(3.9 + 1.9 * r.nextGaussian())));
    int friends = (int) Math.min(5000, Math.round(Math.exp(2.8 + 1.9 * r.nextGaussian())) - 1);
    int registerDays = (int) Math.max(8, Math.min(3650, Math.round(1200 + 650 * r.nextGaussian())));
    boolean streamer = r.nextDouble() < 0.226;
    return RowFactory.create(userId, ACTIVE_DEGREES[SeededRandom.weighted(r, ACTIVE_DEGREE_WEIGHTS)], 0,
        streamer ? 1 : -124, r.nextDouble() < 0.816 ? 1 : 0,
        follow, followRange(follow), fans, fansRange(fans), Math.max(0, friends), friendRange(Math.max(0, friends)),
        registerDays, registerRange(registerDays),
        r.nextInt(2), r.nextInt(7), r.nextInt(50), r.nextInt(1471), nullable(r, 0.032, r.nextInt(12)),
        r.nextInt(34), r.nextInt(3), r.nextInt(118), r.nextInt(454), r.nextInt(7), r.nextInt(5), r.nextInt(5),
        nullable(r, 0.026, r.nextInt(2)), nullable(r, 0.026, r.nextInt(2)), nullable(r, 0.026, r.nextInt(2)),
        nullable(r, 0.026, r.nextInt(2)), nullable(r, 0.026, r.nextInt(2)), nullable(r, 0.026, r.nextInt(2)));
  }

  static Row video(long seed, long videoId, long videos, LocalDate startDate) {
    SplittableRandom r = SeededRandom.of(seed, SeededRandom.VIDEO, videoId);
    long authors = Math.max(1, videos / VIDEOS_PER_AUTHOR);
    long authorId = 1_000_000L + 7L * (long) Math.floor(authors * Math.pow(r.nextDouble(), 1.5));
    double duration = Math.max(3000, Math.min(600_000, Math.round(Math.exp(Math.log(60_000) + 1.0 * r.nextGaussian()))));
    String tag = zipfTag(r);
    if (r.nextDouble() < 0.3) {
      String second = zipfTag(r);
      if (!second.equals(tag)) tag = tag + "," + second;
    }
    boolean landscape = r.nextDouble() < 0.18;
    return RowFactory.create(videoId, authorId, r.nextDouble() < 0.01 ? "AD" : "NORMAL",
        startDate.minusDays(r.nextInt(3)).toString(), UPLOAD_TYPES[SeededRandom.weighted(r, UPLOAD_TYPE_WEIGHTS)], 0.0,
        r.nextDouble() < 0.03 ? null : duration, landscape ? 1280.0 : 720.0, landscape ? 720.0 : 1280.0,
        9_140_000_000L + r.nextInt(20_000_000), r.nextDouble() < 0.027 ? null : (r.nextDouble() < 0.9 ? 9.0 : 4.0),
        r.nextDouble() < 0.013 ? null : tag);
  }

  private static String zipfTag(SplittableRandom r) {
    return String.valueOf((int) Math.floor(NUM_TAGS * Math.pow(r.nextDouble(), 2.2)));
  }

  private static Double nullable(SplittableRandom r, double nullRate, int value) {
    return r.nextDouble() < nullRate ? null : (double) value;
  }

  static String followRange(int n) {
    if (n == 0) return "0";
    if (n <= 10) return "(0,10]";
    if (n <= 50) return "(10,50]";
    if (n <= 100) return "(50,100]";
    if (n <= 150) return "(100,150]";
    if (n <= 250) return "(150,250]";
    if (n <= 500) return "(250,500]";
    return "500+";
  }

  static String fansRange(int n) {
    if (n == 0) return "0";
    if (n < 10) return "[1,10)";
    if (n < 100) return "[10,100)";
    if (n < 1000) return "[100,1k)";
    if (n < 5000) return "[1k,5k)";
    if (n < 10_000) return "[5k,1w)";
    if (n < 100_000) return "[1w,10w)";
    if (n < 1_000_000) return "[10w,100w)";
    return "[100w,1000w)";
  }

  static String friendRange(int n) {
    if (n == 0) return "0";
    if (n < 5) return "[1,5)";
    if (n < 30) return "[5,30)";
    if (n < 60) return "[30,60)";
    if (n < 120) return "[60,120)";
    if (n < 250) return "[120,250)";
    return "250+";
  }

  static String registerRange(int days) {
    if (days <= 14) return "8-14";
    if (days <= 30) return "15-30";
    if (days <= 60) return "31-60";
    if (days <= 90) return "61-90";
    if (days <= 180) return "91-180";
    if (days <= 365) return "181-365";
    if (days <= 730) return "366-730";
    return "730+";
  }
}
