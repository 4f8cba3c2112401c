package io.infnet.features.raw;

/**
 * A raw input that cannot be loaded (unreadable, wrong format or schema, a bad value, null or negative key, no rows...):
 * the message names the table, the file and, where there is one, the row, the column and the value. Thrown before the
 * first write, so nothing was written.
 */
public final class InvalidInput extends IllegalArgumentException {
  private final String problem;

  InvalidInput(String table, String path, String problem, Throwable cause) {
    super(table + " file " + path + ": " + problem + "; nothing was written", cause);
    this.problem = problem;
  }

  /** What is wrong, without the table and file (for a caller whose own message names them). */
  public String problem() {
    return problem;
  }
}
