package io.infnet.model.data;

/**
 * One feature-table row as ids and labels, in the layout {@link Batch#add(int[], int[][], int[][][], int[][], Integer[])}
 * takes: parsed once, re-batched every epoch by in-memory training sets.
 */
public record Example(int[] cat, int[][] multiValues, int[][][] seqIds, int[][] gaps, Integer[] labels) {
  public void addTo(Batch batch) {
    batch.add(cat, multiValues, seqIds, gaps, labels);
  }
}
