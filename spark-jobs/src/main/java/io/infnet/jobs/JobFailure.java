package io.infnet.jobs;

/** A job cannot go on for a reason the user can fix (missing input, mismatched table...): one line, exit 1. */
public final class JobFailure extends RuntimeException {
  public JobFailure(String message) {
    super(message);
  }
}
