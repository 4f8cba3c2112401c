package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/**
 * Where the rows of an embedding table are read from: the table's own tensor ({@link #HELD}), or, when the tables are
 * sharded over workers, the workers that own the rows (the distributed trainer fetches them per lookup).
 */
@FunctionalInterface
public interface RowSource {
  /**
   * Rows of {@code table} for distinct ascending int64 ids (U), as a fresh U×d tensor on the ids' device in the
   * caller's scope.
   */
  NDArray read(Parameter table, NDArray ids);

  /** The table's tensor in this JVM. */
  RowSource HELD = (table, ids) -> table.getArray().get(new ai.djl.ndarray.index.NDIndex("{}", ids));
}
