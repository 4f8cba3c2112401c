package io.infnet.model.nn;

import java.util.List;

/** The six token kinds flowing through INFNet blocks. */
public enum TokenType {
  CAT("cat"), SEQ("seq"), TASK("task"), CAT_PROXY("cat_proxy"), SEQ_PROXY("seq_proxy"), TASK_PROXY("task_proxy");

  private final String label;

  TokenType(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The plain token types whose homogeneous flow is gated by a proxy type. */
  public static final List<TokenType> GATED = List.of(CAT, SEQ, TASK);

  public TokenType proxy() {
    return switch (this) {
      case CAT -> CAT_PROXY;
      case SEQ -> SEQ_PROXY;
      case TASK -> TASK_PROXY;
      default -> throw new IllegalStateException(this + " is a proxy type");
    };
  }

  /** What a query type reads in the heterogeneous flow: the other types' full tokens, never its own. */
  public List<TokenType> sources() {
    return switch (this) {
      case CAT_PROXY -> List.of(SEQ, TASK);
      case SEQ_PROXY -> List.of(CAT, TASK);
      case TASK_PROXY, TASK -> List.of(CAT, SEQ);
      default -> throw new IllegalStateException(this + " is not a query type of the heterogeneous flow");
    };
  }
}
