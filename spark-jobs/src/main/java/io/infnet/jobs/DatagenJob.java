package io.infnet.jobs;

import io.infnet.features.datagen.DataGenerator;
import io.infnet.features.datagen.DatagenResult;

/** Generates raw KuaiRand-shaped logs (and user/video tables unless real ones are given) into the lake. */
final class DatagenJob implements Job {
  @Override
  public String name() {
    return "datagen";
  }

  @Override
  public String summary() {
    return "generate KuaiRand-schema impression logs (+ user/video tables, or use the real CSVs) into raw Delta tables";
  }

  @Override
  public void run(JobContext context) {
    DatagenResult r = generate(context);
    context.out().printf("datagen: %,d impressions -> %s%n", r.logRows(), r.logPath());
    context.out().printf("datagen: %,d users -> %s%n", r.userRows(), r.usersPath());
    context.out().printf("datagen: %,d videos -> %s%n", r.videoRows(), r.videosPath());
    context.out().printf("datagen: true probabilities of the log's flags (the oracle) -> %s%n", r.oraclePath());
  }

  static DatagenResult generate(JobContext context) {
    return DataGenerator.run(context.spark(), context.config());
  }
}
