package io.infnet.jobs.train;

/** One point of a run's metric history: a row of the {@code training_runs} Delta table. */
public record MetricRecord(int epoch, long step, String split, String task, String metric, double value) {}
