package io.infnet.model.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A named model configuration of a comparison: config overrides on top of the job's config. */
public record Variant(String name, List<String> sets) {
  public Variant {
    sets = List.copyOf(sets);
  }

  /**
   * One variant per line: {@code name key=value key=value ...}; blank lines and lines starting with # are skipped.
   * E.g. {@code dcnv2 model.type=dcnv2} or {@code infnet-d64 model.dim=64 model.blocks=3}.
   */
  public static List<Variant> parse(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the variants file " + file + ": " + e.getMessage(), e);
    }
    List<Variant> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] parts = line.split("\\s+");
      for (int p = 1; p < parts.length; p++) {
        if (!parts[p].contains("=")) {
          throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected key=value after the variant name, got '" + parts[p] + "'");
        }
      }
      out.add(new Variant(parts[0], Arrays.asList(parts).subList(1, parts.length)));
    }
    if (out.isEmpty()) throw new IllegalArgumentException(file + " lists no variant (one per line: name key=value ...)");
    return out;
  }
}
