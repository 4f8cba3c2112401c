package io.infnet.config.choices;

/** train.embedding_update: how the optimizer updates embedding tables (docs/MODEL.md, "Embedding updates"). */
public enum EmbeddingUpdate implements Choice {
  DENSE, ROWS, SHARDED;

  @Override
  public String toString() {
    return configName();
  }
}
