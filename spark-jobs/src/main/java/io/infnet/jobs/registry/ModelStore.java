package io.infnet.jobs.registry;

import io.infnet.model.ModelSpec;
import io.infnet.model.io.Provenance;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The lake contract for registered models: numbered versions per model name that appear whole, files attached to a
 * version, and one production pointer per name. {@link ModelRegistry} implements it on a Hadoop file system.
 */
public interface ModelStore {
  /** A registered model version. */
  record Entry(String name, int version, String path) {}

  /** Stored bytes of one version: what executors receive by broadcast. */
  record Artifact(Entry entry, byte[] manifest, byte[] weights) {}

  /** Publishes {@code weights} (safetensors bytes of a model of {@code spec}) and their manifest as the next version. */
  Entry register(String name, ModelSpec spec, byte[] weights, Provenance provenance) throws IOException;

  /** Adds a file (the run report) to a registered version; returns where it is. */
  String attach(Entry entry, String fileName, byte[] content) throws IOException;

  /** "latest", "production" or a version number. */
  Entry resolve(String name, String selector) throws IOException;

  /** The version production points at; empty before the first promotion. */
  Optional<Entry> production(String name) throws IOException;

  /** Points production at {@code entry}. */
  void promote(Entry entry) throws IOException;

  /** The manifest and weights of a version (the manifest alone is enough for its spec and provenance). */
  Artifact read(Entry entry) throws IOException;

  /** Registered versions of {@code name}, ascending. */
  List<Integer> versions(String name) throws IOException;
}
