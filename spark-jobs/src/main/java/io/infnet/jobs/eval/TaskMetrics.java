package io.infnet.jobs.eval;

/**
 * Metrics of one task on one split. {@code gauc} is the unweighted mean of per-user AUCs over the
 * {@code gaucUsers} users that have both label classes (the paper's definition); rows with a missing
 * label are left out of every metric.
 */
public record TaskMetrics(String task, long rows, long positives, double auc, double gauc, long gaucUsers, double logloss) {}
