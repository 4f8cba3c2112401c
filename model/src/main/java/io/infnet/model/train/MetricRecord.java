package io.infnet.model.train;

/**
 * One point of a run's metric history: the training loss every train.log_every steps ({@code split} "train",
 * {@code task} "all", {@code metric} "loss") and each task's validation AUC and logloss after every epoch.
 * {@code value} is NaN where the metric is undefined (e.g. AUC of a task with one class in the split).
 */
public record MetricRecord(int epoch, long step, String split, String task, String metric, double value) {}
