package io.infnet.features.datagen;

import io.infnet.features.datagen.HiddenModel.Impression;
import io.infnet.features.datagen.HiddenModel.UserProfile;
import io.infnet.features.raw.RawSchemas;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Walks one user through the log days in time order: sessions of impressions, each candidate picked by a
 * simulated recommender, each outcome drawn from the hidden model. Rows come out in time order: the 19 KuaiRand log
 * columns, then the true probability of each oracle flag ({@link HiddenModel.Chances#unconditional}), which costs no
 * random draw, so the log is what it would be without them.
 */
final class UserLogSimulator {
  private static final double[] TAB_WEIGHTS = {0.10, 0.55, 0.10, 0.05, 0.20};
  private static final double[] TAB_EFFECT = {-0.2, 0.1, -0.1, 0.0, 0.2};
  private static final long DAY_MS = 86_400_000L;

  /** Prefix of the probability columns in {@link #ROWS}: they would clash with the log's flags of the same name. */
  static final String ORACLE_PREFIX = "__oracle_";
  /** The rows' layout: {@link RawSchemas#LOG}, then a probability per flag of {@link RawSchemas#ORACLE_FLAGS}. */
  static final StructType ROWS = rowSchema();

  private final HiddenModel model;
  private final VideoCatalog catalog;
  private final LocalDate startDate;
  private final int days;
  private final double impressionsPerDay;

  UserLogSimulator(HiddenModel model, VideoCatalog catalog, LocalDate startDate, int days, double impressionsPerDay) {
    this.model = model;
    this.catalog = catalog;
    this.startDate = startDate;
    this.days = days;
    this.impressionsPerDay = impressionsPerDay;
  }

  private static StructType rowSchema() {
    StructType rows = RawSchemas.LOG;
    for (String flag : RawSchemas.ORACLE_FLAGS) rows = rows.add(ORACLE_PREFIX + flag, DataTypes.DoubleType, false);
    return rows;
  }

  /** Mutable state of one user's walk: the RNG and the recently clicked videos. */
  private static final class Walk {
    final long userId;
    final UserProfile profile;
    final SplittableRandom rng;
    final ArrayDeque<Integer> recentClicks = new ArrayDeque<>();
    final List<Row> rows = new ArrayList<>();

    Walk(long userId, UserProfile profile, SplittableRandom rng) {
      this.userId = userId;
      this.profile = profile;
      this.rng = rng;
    }
  }

  List<Row> simulate(long userId, String activeDegree) {
    Walk walk = new Walk(userId, model.user(userId, activeDegree, catalog),
        SeededRandom.of(model.seed(), SeededRandom.USER_LOG, userId));
    for (int d = 0; d < days; d++) simulateDay(walk, startDate.plusDays(d));
    return walk.rows;
  }

  private void simulateDay(Walk walk, LocalDate day) {
    int impressions = SeededRandom.poisson(walk.rng, impressionsPerDay * walk.profile.volume());
    if (impressions == 0) return;
    int sessions = Math.max(1, Math.min(impressions, 1 + impressions / 12));
    long dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long[] starts = new long[sessions];
    for (int s = 0; s < sessions; s++) {
      double hour = Math.floorMod((long) Math.floor((walk.profile.peakHour() + 3 * walk.rng.nextGaussian()) * 3600_000L), DAY_MS);
      starts[s] = dayStart + (long) hour;
    }
    Arrays.sort(starts);
    long clock = dayStart;
    for (int s = 0; s < sessions; s++) {
      clock = Math.max(clock, starts[s]);
      int inSession = impressions / sessions + (s < impressions % sessions ? 1 : 0);
      for (int i = 0; i < inSession && clock < dayStart + DAY_MS; i++) clock = impression(walk, day, clock);
    }
  }

  /** Simulates one impression at {@code time}; returns when the user is ready for the next one. */
  private long impression(Walk walk, LocalDate day, long time) {
    SplittableRandom r = walk.rng;
    int video = candidate(walk);
    int tab = SeededRandom.weighted(r, TAB_WEIGHTS);
    Impression x = features(walk, video, tab, time);
    HiddenModel.Chances chance = model.chances(walk.profile, x);
    boolean click = r.nextDouble() < chance.click();
    boolean longView = click && r.nextDouble() < chance.longView();
    boolean like = click && r.nextDouble() < chance.like();
    boolean follow = click && r.nextDouble() < chance.follow();
    boolean comment = click && r.nextDouble() < chance.comment();
    boolean forward = click && r.nextDouble() < chance.forward();
    boolean profileEnter = click && (follow || r.nextDouble() < chance.profileEnter());
    boolean hate = !like && r.nextDouble() < chance.hate();
    long duration = catalog.durationMs[video];
    long playTime = click ? playTime(r, duration, longView) : 0L;
    long profileStay = profileEnter ? 2000L + r.nextInt(30_000) : 0L;
    long commentStay = comment ? 5000L + r.nextInt(60_000) : 0L;
    if (click) remember(walk, video);
    int secondOfDay = (int) ((time % DAY_MS) / 1000);
    int hourmin = (secondOfDay / 3600) * 100 + (secondOfDay / 60) % 60;
    int date = day.getYear() * 10000 + day.getMonthValue() * 100 + day.getDayOfMonth();
    Object[] logRow = {walk.userId, catalog.videoIds[video], date, hourmin, time, flag(click), flag(like), flag(follow),
        flag(comment), flag(forward), flag(hate), flag(longView), playTime, duration, profileStay, commentStay,
        flag(profileEnter), 0, tab};
    walk.rows.add(RowFactory.create(withOracle(logRow, chance.unconditional())));
    return time + playTime + profileStay + commentStay + 1000L + r.nextInt(15_000);
  }

  /** The simulated recommender: popular videos, the user's favourite tags, and more of what was just clicked. */
  private int candidate(Walk walk) {
    SplittableRandom r = walk.rng;
    double source = r.nextDouble();
    if (source < 0.4) return catalog.popular(r);
    if (source < 0.8 || walk.recentClicks.isEmpty()) {
      return catalog.withTag(walk.profile.favouriteTags()[r.nextInt(2)], r);
    }
    return catalog.withTag(catalog.primaryTags[walk.recentClicks.peekFirst()], r);
  }

  private Impression features(Walk walk, int video, int tab, long time) {
    float[] v = catalog.latent[video];
    double hourOfDay = (time % DAY_MS) / 3_600_000.0;
    double context = TAB_EFFECT[tab] + 0.2 * Math.cos(2 * Math.PI * (hourOfDay - 21) / 24);
    double logDurationZ = Math.log(catalog.durationMs[video] / (double) VideoCatalog.DEFAULT_DURATION_MS);
    return new Impression(HiddenModel.cosine(walk.profile.interest(), v), recentSimilarity(walk, v),
        HiddenModel.cosine(walk.profile.authorTaste(), catalog.authorLatent[video]), catalog.quality[video],
        logDurationZ, context);
  }

  /** Cosine between the candidate and the mean of the user's last clicked videos (0 before the first click). */
  private double recentSimilarity(Walk walk, float[] v) {
    if (walk.recentClicks.isEmpty()) return 0;
    float[] mean = new float[HiddenModel.DIM];
    for (int clicked : walk.recentClicks) {
      for (int i = 0; i < mean.length; i++) mean[i] += catalog.latent[clicked][i];
    }
    return HiddenModel.cosine(mean, v);
  }

  private static void remember(Walk walk, int video) {
    walk.recentClicks.addFirst(video);
    if (walk.recentClicks.size() > HiddenModel.RECENT_CLICKS) walk.recentClicks.removeLast();
  }

  /** Play time agrees with long_view: at least min(duration, 18 s) exactly when the view was long. */
  private static long playTime(SplittableRandom r, long duration, boolean longView) {
    long threshold = Math.min(duration, HiddenModel.LONG_VIEW_MS);
    if (longView) return threshold + (long) (r.nextDouble() * Math.max(1, 1.5 * duration - threshold));
    return (long) (r.nextDouble() * threshold);
  }

  private static Object[] withOracle(Object[] logRow, double[] probabilities) {
    Object[] row = Arrays.copyOf(logRow, logRow.length + probabilities.length);
    for (int i = 0; i < probabilities.length; i++) row[logRow.length + i] = probabilities[i];
    return row;
  }

  private static int flag(boolean b) {
    return b ? 1 : 0;
  }
}
