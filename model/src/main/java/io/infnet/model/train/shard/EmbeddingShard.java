package io.infnet.model.train.shard;

import io.infnet.config.choices.OptimizerKind;
import io.infnet.model.nn.Init;
import io.infnet.model.nn.SplitMix64;
import io.infnet.model.train.WeightDecay;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The rows of one embedding table that this worker owns, with their optimizer state, in Java memory. A row is stored
 * at its first update; until then its value is {@link #initialRow}, which depends only on (seed, table, id), so every
 * worker count gives every row the same start and an untouched row costs nothing. Updates are the trainer's row-wise
 * optimizer ({@link RowOptimizer}: lazy Adam/AdamW, Adagrad). Memory ≈ rows × width × 4 × (1 + slots) + the id index.
 * Not thread-safe: one owner thread reads and updates it.
 */
public final class EmbeddingShard {
  /** Stored rows for checkpoints: {@code ids} distinct, row i of {@code weights} and of each slot (ids.length × width). */
  public record Contents(long[] ids, float[] weights, List<float[]> slots) {}

  private final String name;
  private final int width;
  private final Init init;
  private final long tableSeed;
  private final RowOptimizer optimizer;
  private Storage storage;

  public EmbeddingShard(String name, int width, Init init, long seed, OptimizerKind kind, double weightDecay) {
    if (width < 1) throw new IllegalArgumentException("embedding shard '" + name + "': width must be >= 1, got " + width);
    this.name = name;
    this.width = width;
    this.init = init;
    this.tableSeed = tableSeed(seed, name);
    this.optimizer = new RowOptimizer(kind, WeightDecay.appliesTo(name) ? weightDecay : 0);
    this.storage = new Storage(width, optimizer.slotNames().size(), 0);
  }

  /**
   * The initial value of row {@code id} of table {@code name}: {@code init.sample(width, ·)} from a SplitMix64 seeded
   * by (seed, name, id) alone (counter-based), so the same on every worker and for every worker count.
   */
  public static float[] initialRow(String name, int width, Init init, long seed, long id) {
    return initialRow(tableSeed(seed, name), width, init, id, name);
  }

  /** ids.length × width values, row-major; an id never updated reads its initial row (and is not stored). */
  public float[] read(long[] ids) {
    float[] out = new float[Math.multiplyExact(ids.length, width)];
    for (int i = 0; i < ids.length; i++) {
      int row = storage.index.get(ids[i]);
      if (row == LongIntMap.ABSENT) System.arraycopy(initialRow(tableSeed, width, init, ids[i], name), 0, out, i * width, width);
      else storage.weights.copyOut(row, out, i * width);
    }
    return out;
  }

  /**
   * One optimizer step on rows {@code ids} (distinct), storing those never seen; {@code gradients} holds their rows
   * (ids.length × width), the effective gradient being gradient × scale; {@code step} is the 1-based global step.
   * Bad input throws before any row changes.
   */
  public void update(long[] ids, float[] gradients, double scale, double lr, long step) {
    if (gradients.length != (long) ids.length * width) {
      throw new IllegalArgumentException("embedding shard '" + name + "': " + gradients.length + " gradient values for "
          + ids.length + " ids, expected ids × width = " + (long) ids.length * width);
    }
    if (step < 1) throw new IllegalArgumentException("embedding shard '" + name + "': step must be >= 1 (1-based), got " + step);
    requireDistinct(ids, "update");
    RowOptimizer.Step rule = optimizer.step(scale, lr, step);
    for (int i = 0; i < ids.length; i++) {
      int row = storage.index.get(ids[i]);
      if (row == LongIntMap.ABSENT) row = storage.add(ids[i], initialRow(tableSeed, width, init, ids[i], name), 0);
      storage.update(rule, row, gradients, i * width);
    }
  }

  /** Rows stored (updated at least once, or loaded). */
  public long rowCount() {
    return storage.index.size();
  }

  /** Memory held: the weight and slot chunks as allocated, and the id index. */
  public long bytes() {
    return storage.bytes();
  }

  public int width() {
    return width;
  }

  public String name() {
    return name;
  }

  /** The slots' names in {@link Contents#slots()} order, as Optimizer names its state: "m", "v" or "sum". */
  public List<String> slotNames() {
    return optimizer.slotNames();
  }

  /** Every stored row, ids ascending, with its weights and optimizer slots (for checkpoints and exports). */
  public Contents contents() {
    long[] ids = storage.index.keys();
    Arrays.sort(ids);
    int values = Math.toIntExact(Math.multiplyExact((long) ids.length, width)); // one checkpoint array per slot
    float[] weights = new float[values];
    List<float[]> slots = new ArrayList<>();
    for (int s = 0; s < storage.slots.length; s++) slots.add(new float[values]);
    for (int i = 0; i < ids.length; i++) {
      int row = storage.index.get(ids[i]);
      storage.weights.copyOut(row, weights, i * width);
      for (int s = 0; s < storage.slots.length; s++) storage.slots[s].copyOut(row, slots.get(s), i * width);
    }
    return new Contents(ids, weights, slots);
  }

  /**
   * Replaces every stored row with those of {@code contents} whose id {@code keep} accepts (a checkpoint re-split for
   * another worker count); the rows' ids may come in any order (several shards' contents concatenated) but once each.
   * Bad contents throw before anything is replaced.
   */
  public void load(Contents contents, LongPredicate keep) {
    long[] ids = contents.ids();
    requireLength(contents.weights(), ids.length, "weights");
    if (contents.slots().size() != storage.slots.length) {
      throw new IllegalArgumentException("embedding shard '" + name + "': contents have " + contents.slots().size()
          + " optimizer slots, expected " + storage.slots.length + " " + slotNames());
    }
    for (int s = 0; s < storage.slots.length; s++) requireLength(contents.slots().get(s), ids.length, "slot " + slotNames().get(s));
    requireDistinct(ids, "contents");
    Storage loaded = new Storage(width, storage.slots.length, ids.length);
    for (int i = 0; i < ids.length; i++) {
      if (!keep.test(ids[i])) continue;
      int row = loaded.add(ids[i], contents.weights(), i * width);
      for (int s = 0; s < loaded.slots.length; s++) loaded.slots[s].copyIn(row, contents.slots().get(s), i * width);
    }
    storage = loaded;
  }

  private void requireLength(float[] values, int rows, String what) {
    if (values.length != (long) rows * width) {
      throw new IllegalArgumentException("embedding shard '" + name + "': contents " + what + " hold " + values.length
          + " values, expected ids × width = " + rows + " × " + width);
    }
  }

  /** Ascending ids (what the trainer passes) are distinct at a glance; any other order is checked through a map. */
  private void requireDistinct(long[] ids, String what) {
    if (ascending(ids)) return;
    LongIntMap seen = new LongIntMap(ids.length);
    for (int i = 0; i < ids.length; i++) {
      int first = seen.put(ids[i], i);
      if (first != LongIntMap.ABSENT) {
        throw new IllegalArgumentException("embedding shard '" + name + "': id " + ids[i] + " appears twice in the "
            + what + " (positions " + first + " and " + i + "), expected distinct ids");
      }
    }
  }

  private static boolean ascending(long[] ids) {
    for (int i = 1; i < ids.length; i++) if (ids[i] <= ids[i - 1]) return false;
    return true;
  }

  private static long tableSeed(long seed, String name) {
    return SplitMix64.forName(seed, name).nextLong();
  }

  private static float[] initialRow(long tableSeed, int width, Init init, long id, String name) {
    float[] row = init.sample(width, new SplitMix64(SplitMix64.mix(tableSeed, id)));
    if (row.length != width) throw new IllegalStateException("embedding shard '" + name + "': init gave " + row.length + " values, expected " + width);
    return row;
  }

  /** The stored rows: the id → row index, and the weights and each slot at that row. */
  private static final class Storage {
    final LongIntMap index;
    final RowStore weights;
    final RowStore[] slots;

    Storage(int width, int slotCount, int expectedRows) {
      index = new LongIntMap(expectedRows);
      weights = new RowStore(width);
      slots = new RowStore[slotCount];
      for (int s = 0; s < slotCount; s++) slots[s] = new RowStore(width);
    }

    /** Stores a new row with these weights and zero slots; returns its row index. */
    int add(long id, float[] values, int at) {
      int row = index.size();
      index.put(id, row);
      weights.ensure(row);
      weights.copyIn(row, values, at);
      for (RowStore slot : slots) slot.ensure(row);
      return row;
    }

    void update(RowOptimizer.Step rule, int row, float[] gradients, int at) {
      float[] second = slots.length > 1 ? slots[1].chunk(row) : null;
      rule.apply(weights.chunk(row), slots[0].chunk(row), second, weights.offset(row), gradients, at, weights.width());
    }

    long bytes() {
      long total = index.bytes() + weights.bytes();
      for (RowStore slot : slots) total += slot.bytes();
      return total;
    }
  }
}
