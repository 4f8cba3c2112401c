package io.infnet.features.datagen;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The generator's ground truth (docs/DATAGEN.md): latent factors of users, videos and authors, and one
 * logistic model per behaviour. Each task reads a different interaction, so the tasks differ and can be
 * learned: click from user × video interest and the user's recent clicks, like and follow from user × author
 * affinity, long view from video duration × user activity. Intercepts are calibrated to KuaiRand's rates.
 */
record HiddenModel(long seed) implements Serializable {
  static final int DIM = 8;
  /** Clicked videos that make up the user's "recent interest". */
  static final int RECENT_CLICKS = 5;
  /** A view counts as long once played this long, or to the end of a shorter video. */
  static final long LONG_VIEW_MS = 18_000L;

  static final double CLICK_BIAS = -2.4, LONG_VIEW_BIAS = 1.1, LIKE_BIAS = -3.3, FOLLOW_BIAS = -6.0,
      COMMENT_BIAS = -6.0, FORWARD_BIAS = -6.5, PROFILE_BIAS = -4.0, HATE_BIAS = -6.5;

  /** What one user brings to every impression. */
  record UserProfile(float[] interest, float[] authorTaste, double activity, double clickBias, double likeBias,
      double volume, double peakHour, String[] favouriteTags) {}

  float[] tagCentre(String tag) {
    return SeededRandom.unitVector(SeededRandom.of(seed, SeededRandom.TAG, tag.hashCode()), DIM);
  }

  /** Videos cluster around their primary tag's centre: tags carry interest information. */
  float[] videoLatent(String primaryTag, SplittableRandom rng) {
    float[] centre = primaryTag.isEmpty() ? new float[DIM] : tagCentre(primaryTag);
    float[] noise = SeededRandom.unitVector(rng, DIM);
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) v[i] = 0.8f * centre[i] + 0.6f * noise[i];
    return SeededRandom.normalised(v);
  }

  float[] authorLatent(long authorId) {
    return SeededRandom.unitVector(SeededRandom.of(seed, SeededRandom.AUTHOR, authorId), DIM);
  }

  UserProfile user(long userId, String activeDegree, VideoCatalog catalog) {
    SplittableRandom r = SeededRandom.of(seed, SeededRandom.USER, userId);
    String[] favourites = {catalog.randomTag(r), catalog.randomTag(r)};
    float[] a = tagCentre(favourites[0]), b = tagCentre(favourites[1]), noise = SeededRandom.unitVector(r, DIM);
    float[] interest = new float[DIM];
    for (int i = 0; i < DIM; i++) interest[i] = 0.7f * a[i] + 0.5f * b[i] + 0.5f * noise[i];
    return new UserProfile(SeededRandom.normalised(interest), SeededRandom.unitVector(r, DIM), activity(activeDegree),
        0.5 * r.nextGaussian(), 0.8 * r.nextGaussian(), SeededRandom.lognormalMeanOne(r, 0.6),
        20 + 2.5 * r.nextGaussian(), favourites);
  }

  /** KuaiRand's user_active_degree as a number in (0, 1]. */
  static double activity(String activeDegree) {
    if (activeDegree == null) return 0.5;
    return switch (activeDegree) {
      case "full_active" -> 1.0;
      case "high_active" -> 0.75;
      case "middle_active" -> 0.5;
      case "2_14_day_new" -> 0.4;
      case "30day_retention" -> 0.35;
      case "day_new" -> 0.3;
      case "low_active" -> 0.25;
      case "single_low_active" -> 0.15;
      default -> 0.5;
    };
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** The features of one (user, video, context) that the behaviour models read. */
  record Impression(double interest, double recentSimilarity, double authorAffinity, double quality,
      double logDurationZ, double contextEffect) {}

  /**
   * The probability of each behaviour as the simulator draws it (UserLogSimulator): click unconditionally; long view,
   * like, follow, comment, forward and profile enter given a click (profile enter: given a click without a follow,
   * a follow always enters the profile); hate given no like. Every draw is an independent uniform.
   */
  record Chances(double click, double longView, double like, double follow, double comment, double forward,
      double profileEnter, double hate) {

    /**
     * P(flag = 1) unconditionally, per flag of RawSchemas.ORACLE_FLAGS in order, as implied by those draws: a
     * dependent flag is click × its chance given a click; profile enter is click × (follow + (1 − follow) ×
     * profileEnter); hate is (1 − click × like) × hate.
     */
    double[] unconditional() {
      double liked = click * like;
      return new double[] {click, liked, click * follow, click * comment, click * forward, (1 - liked) * hate,
          click * longView, click * (follow + (1 - follow) * profileEnter)};
    }
  }

  Chances chances(UserProfile u, Impression x) {
    return new Chances(click(u, x), longView(u, x), like(u, x), follow(x), comment(u, x), forward(x), profileEnter(x), hate(x));
  }

  double click(UserProfile u, Impression x) {
    return sigmoid(CLICK_BIAS + 2.5 * x.interest() + 1.5 * x.recentSimilarity() + 0.4 * x.quality()
        + 0.6 * (u.activity() - 0.8) + u.clickBias() + x.contextEffect());
  }

  /** Given a click: active users finish long videos, casual users only short ones. */
  double longView(UserProfile u, Impression x) {
    return sigmoid(LONG_VIEW_BIAS + 1.0 * x.interest() + 0.5 * x.quality() - 1.2 * x.logDurationZ() * (1.3 - u.activity()));
  }

  /** Given a click: mostly author affinity, a different interaction than click's. */
  double like(UserProfile u, Impression x) {
    return sigmoid(LIKE_BIAS + 3.0 * x.authorAffinity() + 1.0 * x.interest() + u.likeBias());
  }

  double follow(Impression x) {
    return sigmoid(FOLLOW_BIAS + 3.5 * x.authorAffinity());
  }

  double comment(UserProfile u, Impression x) {
    return sigmoid(COMMENT_BIAS + 1.0 * x.interest() + u.likeBias());
  }

  double forward(Impression x) {
    return sigmoid(FORWARD_BIAS + 0.7 * x.quality());
  }

  double profileEnter(Impression x) {
    return sigmoid(PROFILE_BIAS + 2.0 * x.authorAffinity());
  }

  double hate(Impression x) {
    return sigmoid(HATE_BIAS - 2.0 * x.interest());
  }
}
