package io.infnet.jobs;

import java.util.List;

/** One entry point of {@code bin/infnet}. */
public interface Job {
  String name();

  /** One line for the job list. */
  String summary();

  /** Job-specific flags (beyond --config/--set/--help), for --help. */
  default List<String> flags() {
    return List.of();
  }

  void run(JobContext context) throws Exception;
}
