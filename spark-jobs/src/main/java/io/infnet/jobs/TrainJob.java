package io.infnet.jobs;

import io.infnet.jobs.train.TrainingRun;

/** Trains the configured model on the feature table and registers it. */
final class TrainJob implements Job {
  @Override
  public String name() {
    return "train";
  }

  @Override
  public String summary() {
    return "train INFNet (or a baseline) on the feature table's train split; register it under models/<name>/<version>/";
  }

  @Override
  public java.util.List<String> flags() {
    return java.util.List.of("--resume");
  }

  @Override
  public void run(JobContext context) throws Exception {
    TrainingRun.Outcome o = TrainingRun.execute(context, context.args().hasFlag("--resume"));
    context.out().printf("train: best epoch %d of %d, valid AUC %s%n", o.result().bestEpoch(), o.result().epochsRun(),
        o.result().bestValidAuc());
    context.out().printf("train: registered %s version %d at %s%n", o.model().name(), o.model().version(), o.model().path());
  }
}
