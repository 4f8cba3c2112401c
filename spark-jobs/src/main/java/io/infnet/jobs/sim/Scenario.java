package io.infnet.jobs.sim;

/**
 * What a simulation runs: {@code historyDays} days loaded at once (bootstrap), then {@code days} nights of the nightly
 * DAG and the weekly retrain every 7th night, with the bad deliveries of docs/DATA_POLICY.md at fixed nights
 * (1-based, 0 = none).
 *
 * @param missingNight       the night whose log is not delivered (the ingest fails, the next day is scored from
 *                           older history); it is delivered late, after the following night, and its night rerun
 * @param deliveredTwice     the night whose log is delivered (and its night run) a second time right after the first
 * @param usersNight         the night that also delivers a users file (MERGE by id); the others deliver none
 * @param worseRetrainWeek   the weekly retrain trained with a learning rate that cannot learn: must not be promoted
 */
public record Scenario(int historyDays, int days, int missingNight, int deliveredTwice, int usersNight, int worseRetrainWeek) {
  public static final int WEEK = 7;

  /**
   * 21 nights after 10 days of history, every bad delivery once, retrains good, worse, good (the bench's; the suite runs
   * the same cases in 15 nights, NightlySimulationTest).
   */
  public static Scenario standard() {
    return new Scenario(10, 21, 3, 5, 2, 2);
  }

  public Scenario {
    if (historyDays < 4) throw new IllegalArgumentException("historyDays: the bootstrap needs train, valid and test days, got " + historyDays);
    if (missingNight != 0 && missingNight >= days) throw new IllegalArgumentException("missingNight must leave a night after it");
  }

  public boolean isWeekEnd(int night) {
    return night % WEEK == 0;
  }
}
