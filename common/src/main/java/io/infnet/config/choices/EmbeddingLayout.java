package io.infnet.config.choices;

/** model.embedding_layout. */
public enum EmbeddingLayout implements Choice {
  OFFSET, PER_FIELD;

  @Override
  public String toString() {
    return configName();
  }
}
