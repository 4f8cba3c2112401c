package io.infnet.features;

import static org.apache.spark.sql.functions.col;

import io.infnet.schema.FeatureSchema;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Behaviour sequences as of each impression: for an impression at time t, the events of the behaviour
 * with time strictly before t (same millisecond excluded), most recent first, at most maxLength.
 *
 * <p>O(n log n) and memory-bounded: rows are shuffled by user and sorted by time once; one pass per user
 * keeps a bounded deque per behaviour. Input rows need {@code user_id}, {@code time_ms}, the {@code cat}
 * array (event fields are read from it) and a 0/1 column per behaviour saying whether the row is an event.
 */
final class PointInTimeSequences implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One behaviour: rows where {@code eventColumn} = 1 are its events; {@code catPositions} are its fields in cat. */
  record Behaviour(String name, String eventColumn, List<String> fieldNames, int[] catPositions) implements Serializable {}

  private final List<Behaviour> behaviours;
  private final int maxLength;
  private final int gapBuckets;

  PointInTimeSequences(List<Behaviour> behaviours, int maxLength, int gapBuckets) {
    this.behaviours = List.copyOf(behaviours);
    this.maxLength = maxLength;
    this.gapBuckets = gapBuckets;
  }

  /** The columns appended, per behaviour: one per field, then the gap column if gapBuckets > 0. */
  List<String> outputColumns() {
    List<String> out = new ArrayList<>();
    for (Behaviour b : behaviours) {
      for (String f : b.fieldNames()) out.add(FeatureSchema.sequenceColumn(b.name(), f));
      if (gapBuckets > 0) out.add(FeatureSchema.gapColumn(b.name()));
    }
    return out;
  }

  Dataset<Row> append(SparkSession spark, Dataset<Row> rows) {
    StructType schema = rows.schema();
    for (String c : outputColumns()) schema = schema.add(c, DataTypes.createArrayType(DataTypes.IntegerType, false), false);
    int user = rows.schema().fieldIndex("user_id"), time = rows.schema().fieldIndex("time_ms");
    int cat = rows.schema().fieldIndex(FeatureSchema.CAT_COLUMN);
    int[] event = behaviours.stream().mapToInt(b -> rows.schema().fieldIndex(b.eventColumn())).toArray();
    JavaRDD<Row> withSequences = rows.repartition(col("user_id"))
        .sortWithinPartitions("user_id", "time_ms")
        .javaRDD()
        .mapPartitions(it -> new UserPass(it, user, time, cat, event));
    return spark.createDataFrame(withSequences, schema);
  }

  /** The time-gap bucket of an event {@code gapMs} before the impression: 1 + min(B-1, floor(log2(1 + minutes))). */
  static int gapBucket(long gapMs, int gapBuckets) {
    long wholeMinutesPlusOne = 1 + gapMs / 60_000L; // floor(log2(1 + m)) = floor(log2(1 + floor(m)))
    int log2 = 63 - Long.numberOfLeadingZeros(wholeMinutesPlusOne);
    return 1 + Math.min(gapBuckets - 1, log2);
  }

  private record Event(long time, int[] ids) {}

  /** Walks a partition sorted by (user, time), emitting each group of same-millisecond rows before recording it. */
  private final class UserPass implements Iterator<Row> {
    private final Iterator<Row> input;
    private final int user, time, cat;
    private final int[] event;
    private final List<ArrayDeque<Event>> history = new ArrayList<>();
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private final List<Row> sameInstant = new ArrayList<>();
    private Row lookahead;
    private long currentUser = Long.MIN_VALUE;

    UserPass(Iterator<Row> input, int user, int time, int cat, int[] event) {
      this.input = input;
      this.user = user;
      this.time = time;
      this.cat = cat;
      this.event = event;
      for (int i = 0; i < behaviours.size(); i++) history.add(new ArrayDeque<>());
      lookahead = input.hasNext() ? input.next() : null;
    }

    @Override
    public boolean hasNext() {
      if (ready.isEmpty() && lookahead != null) nextInstant();
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) throw new NoSuchElementException();
      return ready.poll();
    }

    private void nextInstant() {
      long u = lookahead.getLong(user), t = lookahead.getLong(time);
      if (u != currentUser) {
        history.forEach(ArrayDeque::clear);
        currentUser = u;
      }
      sameInstant.clear();
      while (lookahead != null && lookahead.getLong(user) == u && lookahead.getLong(time) == t) {
        sameInstant.add(lookahead);
        lookahead = input.hasNext() ? input.next() : null;
      }
      for (Row r : sameInstant) ready.add(withSequences(r, t));
      for (Row r : sameInstant) record(r, t);
    }

    private Row withSequences(Row r, long t) {
      List<Object> values = new ArrayList<>(r.length() + 8);
      for (int i = 0; i < r.length(); i++) values.add(r.get(i));
      for (int b = 0; b < behaviours.size(); b++) {
        ArrayDeque<Event> events = history.get(b);
        int fields = behaviours.get(b).catPositions().length;
        for (int f = 0; f < fields; f++) {
          int[] ids = new int[events.size()];
          int i = 0;
          for (Event e : events) ids[i++] = e.ids()[f];
          values.add(ids);
        }
        if (gapBuckets > 0) {
          int[] gaps = new int[events.size()];
          int i = 0;
          for (Event e : events) gaps[i++] = gapBucket(t - e.time(), gapBuckets);
          values.add(gaps);
        }
      }
      return RowFactory.create(values.toArray());
    }

    private void record(Row r, long t) {
      for (int b = 0; b < behaviours.size(); b++) {
        if (r.isNullAt(event[b]) || ((Number) r.get(event[b])).intValue() != 1) continue;
        List<Integer> catIds = r.getList(cat);
        int[] positions = behaviours.get(b).catPositions();
        int[] ids = new int[positions.length];
        for (int f = 0; f < positions.length; f++) ids[f] = catIds.get(positions[f]);
        ArrayDeque<Event> events = history.get(b);
        events.addFirst(new Event(t, ids));
        if (events.size() > maxLength) events.removeLast();
      }
    }
  }
}
