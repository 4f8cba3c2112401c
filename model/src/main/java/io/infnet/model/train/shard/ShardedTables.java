package io.infnet.model.train.shard;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.infnet.model.NetworkModel;
import io.infnet.model.nn.Module.NamedParameter;
import io.infnet.model.nn.RowSource;
import io.infnet.model.train.TrainingOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The embedding tables of a model trained with train.embedding_update = sharded, as this worker holds them: for every
 * table, the rows it owns ({@code id mod W}) with their optimizer state ({@link EmbeddingShard}), created on first touch.
 * Lookups read rows through {@link #read}: its own from its shards, the others' from their owners in one
 * {@link RowExchange} round per lookup. After the gradient exchange each owner updates its rows ({@link #update}).
 *
 * <p>Rows start from a value that depends only on (seed, table, id) ({@link EmbeddingShard#initialRow}), so any
 * worker count starts from the same tables and, with the block schedule's batches, takes the same steps.
 */
public final class ShardedTables implements RowSource {
  private final RowExchange exchange;
  private final Map<Parameter, EmbeddingShard> byParameter = new IdentityHashMap<>();
  private final Map<String, EmbeddingShard> byName = new LinkedHashMap<>();
  private final List<String> rounds = new ArrayList<>(); // the tables looked up in this step, in order
  private List<String> lastStepRounds;
  private List<String> lastInferenceRounds;
  private Map<String, EmbeddingShard.Contents> best;

  public ShardedTables(NetworkModel model, TrainingOptions options, RowExchange exchange) {
    this.exchange = exchange;
    for (String name : model.tablesElsewhere()) {
      NamedParameter p = model.parameters().get(name);
      EmbeddingShard shard = new EmbeddingShard(name, Math.toIntExact(p.shape().get(1)), p.init(), options.seed(),
          options.optimizer(), options.weightDecay());
      byParameter.put(p.parameter(), shard);
      byName.put(name, shard);
    }
    if (byName.isEmpty()) throw new IllegalArgumentException("train.embedding_update=sharded: this model holds its embedding tables");
  }

  public RowExchange exchange() {
    return exchange;
  }

  public boolean owns(long id) {
    return RowExchange.owner(id, exchange.workers()) == exchange.rank();
  }

  public Map<String, EmbeddingShard> shards() {
    return Collections.unmodifiableMap(byName);
  }

  /** Rows of distinct ascending ids: this worker's own from its shard, every other owner's in one exchange round. */
  @Override
  public NDArray read(Parameter table, NDArray ids) {
    EmbeddingShard shard = byParameter.get(table);
    if (shard == null) throw new IllegalArgumentException("parameter " + table.getName() + " is not a sharded table");
    long[] wanted = ids.toType(DataType.INT64, false).toLongArray();
    float[] values = rows(shard, wanted);
    return ids.getManager().create(values, new Shape(wanted.length, shard.width()));
  }

  private float[] rows(EmbeddingShard shard, long[] ids) {
    int w = exchange.workers();
    rounds.add(shard.name());
    if (w == 1) return shard.read(ids);
    List<long[]> requests = byOwner(ids, w);
    List<float[]> answers;
    try {
      answers = exchange.fetch(shard.name(), requests, asked -> shard.read(asked));
    } catch (IOException e) {
      throw new UncheckedIOException("fetching rows of " + shard.name() + ": " + e.getMessage(), e);
    }
    answers.set(exchange.rank(), shard.read(requests.get(exchange.rank())));
    int width = shard.width();
    float[] out = new float[ids.length * width];
    int[] next = new int[w]; // rows taken from each owner's answer so far: both are in ascending id order
    for (int i = 0; i < ids.length; i++) {
      int o = RowExchange.owner(ids[i], w);
      System.arraycopy(answers.get(o), next[o]++ * width, out, i * width, width);
    }
    return out;
  }

  private static List<long[]> byOwner(long[] ids, int workers) {
    int[] counts = new int[workers];
    for (long id : ids) counts[RowExchange.owner(id, workers)]++;
    List<long[]> out = new ArrayList<>(workers);
    for (int o = 0; o < workers; o++) out.add(new long[counts[o]]);
    int[] at = new int[workers];
    for (long id : ids) {
      int o = RowExchange.owner(id, workers);
      out.get(o)[at[o]++] = id;
    }
    return out;
  }

  /** Starts counting a step's lookup rounds (a worker without rows replays them: {@link #serveIdleStep}). */
  public void startStep() {
    rounds.clear();
  }

  /** Ends a step that had rows: remembers its rounds. */
  public void endStep() {
    lastStepRounds = List.copyOf(rounds);
  }

  /** A step without rows on this worker: it answers its peers' lookups of the step, asking for nothing. */
  public void serveIdleStep() {
    serveIdle(lastStepRounds, "step");
  }

  /** Ends an inference batch that had rows (begun with {@link #startStep}): remembers its rounds. */
  public void endInference() {
    lastInferenceRounds = List.copyOf(rounds);
  }

  /**
   * An inference batch without rows on this worker (sharded validation: its slice ran out before its peers'): it
   * answers their lookups. Before its first inference batch it replays a training step's rounds: both are one forward.
   */
  public void serveIdleInference() {
    serveIdle(lastInferenceRounds != null ? lastInferenceRounds : lastStepRounds, "validation batch");
  }

  private void serveIdle(List<String> tables, String what) {
    if (exchange.workers() == 1) return;
    if (tables == null) {
      throw new IllegalStateException("worker " + exchange.rank() + " has no rows in its first " + what + ": it cannot know the"
          + " lookups to answer (use fewer train.workers or more rows)");
    }
    List<long[]> none = new ArrayList<>();
    for (int o = 0; o < exchange.workers(); o++) none.add(new long[0]);
    for (String table : tables) {
      EmbeddingShard shard = byName.get(table);
      try {
        exchange.fetch(table, none, asked -> shard.read(asked));
      } catch (IOException e) {
        throw new UncheckedIOException("answering lookups of " + table + ": " + e.getMessage(), e);
      }
    }
  }

  /** The optimizer step of this worker's rows of {@code table}: {@code ids} must all be its own. */
  public void update(String table, long[] ids, float[] gradients, double scale, double lr, long step) {
    for (long id : ids) {
      if (!owns(id)) throw new IllegalArgumentException("row " + id + " of " + table + " belongs to worker "
          + RowExchange.owner(id, exchange.workers()) + ", not " + exchange.rank());
    }
    byName.get(table).update(ids, gradients, scale, lr, step);
  }

  /** Rows held by this worker, over every table. */
  public long rowCount() {
    return byName.values().stream().mapToLong(EmbeddingShard::rowCount).sum();
  }

  public long bytes() {
    return byName.values().stream().mapToLong(EmbeddingShard::bytes).sum();
  }

  /** Every table's stored rows with their state (a checkpoint's shard). */
  public Map<String, EmbeddingShard.Contents> contents() {
    Map<String, EmbeddingShard.Contents> out = new LinkedHashMap<>();
    byName.forEach((name, shard) -> out.put(name, shard.contents()));
    return out;
  }

  /**
   * Replaces every table with the rows this worker owns among {@code parts} (the shards of a checkpoint written by any
   * number of workers: each row is in exactly one part).
   */
  public void load(List<Map<String, EmbeddingShard.Contents>> parts) {
    LongPredicate mine = this::owns;
    for (Map.Entry<String, EmbeddingShard> e : byName.entrySet()) {
      List<EmbeddingShard.Contents> tableParts = new ArrayList<>();
      for (Map<String, EmbeddingShard.Contents> part : parts) {
        EmbeddingShard.Contents c = part.get(e.getKey());
        if (c == null) throw new IllegalArgumentException("a shard of the checkpoint has no rows of table " + e.getKey());
        tableParts.add(c);
      }
      e.getValue().load(concat(tableParts), mine);
    }
  }

  /** The parts of one table as one (ids need not be sorted across parts: {@link EmbeddingShard#load} indexes them). */
  static EmbeddingShard.Contents concat(List<EmbeddingShard.Contents> parts) {
    if (parts.size() == 1) return parts.get(0);
    int rows = 0;
    int weights = 0;
    for (EmbeddingShard.Contents c : parts) {
      rows += c.ids().length;
      weights += c.weights().length;
    }
    long[] ids = new long[rows];
    float[] values = new float[weights];
    int slotCount = parts.get(0).slots().size();
    List<float[]> slots = new ArrayList<>();
    for (int s = 0; s < slotCount; s++) slots.add(new float[weights]);
    int at = 0;
    int valueAt = 0;
    for (EmbeddingShard.Contents c : parts) {
      System.arraycopy(c.ids(), 0, ids, at, c.ids().length);
      System.arraycopy(c.weights(), 0, values, valueAt, c.weights().length);
      for (int s = 0; s < slotCount; s++) System.arraycopy(c.slots().get(s), 0, slots.get(s), valueAt, c.weights().length);
      at += c.ids().length;
      valueAt += c.weights().length;
    }
    return new EmbeddingShard.Contents(ids, values, slots);
  }

  /** Keeps a copy of every shard (the best epoch's, restored by {@link #restoreBest}). */
  public void keepBest() {
    best = contents();
  }

  /** The kept copy, if any (null before the first {@link #keepBest}). */
  public Map<String, EmbeddingShard.Contents> best() {
    return best;
  }

  /**
   * Restores a checkpoint's shards (written by any number of workers): the rows this worker owns of {@code current},
   * and of {@code best} as the kept copy (none when empty).
   */
  public void restore(List<Map<String, EmbeddingShard.Contents>> current, List<Map<String, EmbeddingShard.Contents>> best) {
    if (!best.isEmpty()) {
      load(best);
      this.best = contents();
    }
    load(current);
  }

  /** Back to the kept copy; false when there is none. */
  public boolean restoreBest() {
    if (best == null) return false;
    load(List.of(best));
    return true;
  }

  @Override
  public String toString() {
    return "ShardedTables" + Arrays.toString(byName.keySet().toArray()) + " of worker " + exchange.rank() + "/" + exchange.workers();
  }
}
