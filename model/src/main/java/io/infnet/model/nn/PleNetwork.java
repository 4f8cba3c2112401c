package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import io.infnet.model.ModelSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * PLE (Tang et al. 2020, Progressive Layered Extraction): model.ple_levels stacked {@link ExtractionLevel}s. Level 0
 * reads x in every group; level l+1 reads level l's per-task and shared outputs; the towers read the last level's
 * per-task outputs.
 */
public final class PleNetwork extends FlatInputNetwork {
  private final List<ExtractionLevel> levels = new ArrayList<>();

  public PleNetwork(ModelSpec spec) {
    super(spec);
    int width = inputWidth();
    for (int l = 0; l < spec.pleLevels(); l++) {
      boolean last = l == spec.pleLevels() - 1;
      levels.add(child("level_" + l, new ExtractionLevel(spec, width, hiddenWidths(), last)));
      width = levels.get(l).outputs();
    }
    addTowers(width);
  }

  @Override
  protected NDArray taskInputs(Pass pass, NDArray x) {
    ExtractionLevel.Streams streams = new ExtractionLevel.Streams(Collections.nCopies(spec.taskCount(), x), x);
    for (ExtractionLevel level : levels) streams = level.apply(pass, streams);
    return Ops.concat(streams.tasks().stream().map(row -> row.expandDims(1)).toList(), 1);
  }
}
