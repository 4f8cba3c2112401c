package io.infnet.features;

import io.infnet.schema.FeatureSchema;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Behaviour sequences as of each impression: for an impression at time t, the events of the behaviour
 * with time strictly before t (same millisecond excluded), most recent first, at most maxLength.
 *
 * <p>O(n log n) and memory-bounded: rows are shuffled by user and sorted by (time, video) once; one pass per user
 * keeps a bounded deque per behaviour. Input rows need {@code user_id}, {@code time_ms}, the {@code cat} array (event
 * fields are read from it), a 0/1 column per behaviour saying whether the row is an event, and optionally
 * {@code video_id}, which orders events of one millisecond so that reruns keep the same events under the cap.
 *
 * <p>The pass starts from a <em>state</em>, each user's last maxLength events per behaviour before the rows
 * (table layout: {@link #stateSchema()}), and ends with the state after them. A day's build therefore reads the
 * state left by the day before instead of all history (docs/FEATURE_TABLES.md, "Day by day").
 */
final class PointInTimeSequences implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String TIME_SUFFIX = "__time";

  /** One behaviour: rows where {@code eventColumn} = 1 are its events; {@code catPositions} are its fields in cat. */
  record Behaviour(String name, String eventColumn, List<String> fieldNames, int[] catPositions) implements Serializable {}

  /**
   * What one pass produced: the rows with their sequences, and each user's last events after them. Both read one
   * persisted pass ({@code pass}): release it once both are written.
   */
  record Advanced(Dataset<Row> rows, Dataset<Row> state, JavaRDD<?> pass) {
    void release() {
      pass.unpersist(false);
    }
  }

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

  /**
   * The state table's columns: {@code user_id}, then per behaviour its events' times ({@code <behaviour>__time}) and
   * one id array per event field ({@code <behaviour>__<field>}), most recent first, at most maxLength.
   */
  StructType stateSchema() {
    StructType schema = new StructType().add("user_id", DataTypes.LongType, false);
    for (Behaviour b : behaviours) {
      schema = schema.add(b.name() + TIME_SUFFIX, DataTypes.createArrayType(DataTypes.LongType, false), false);
      for (String f : b.fieldNames()) {
        schema = schema.add(FeatureSchema.sequenceColumn(b.name(), f), DataTypes.createArrayType(DataTypes.IntegerType, false), false);
      }
    }
    return schema;
  }

  Dataset<Row> emptyState(SparkSession spark) {
    return spark.createDataFrame(List.of(), stateSchema());
  }

  /** The rows with their sequences, from no earlier history. */
  Dataset<Row> append(SparkSession spark, Dataset<Row> rows) {
    return advance(spark, rows, emptyState(spark)).rows();
  }

  /** The rows with their sequences, starting from {@code state} (events before the rows), and the state after them. */
  Advanced advance(SparkSession spark, Dataset<Row> rows, Dataset<Row> state) {
    StructType schema = rows.schema();
    for (String c : outputColumns()) schema = schema.add(c, DataTypes.createArrayType(DataTypes.IntegerType, false), false);
    StructType in = rows.schema();
    int user = in.fieldIndex("user_id"), time = in.fieldIndex("time_ms"), cat = in.fieldIndex(FeatureSchema.CAT_COLUMN);
    int video = Arrays.asList(in.fieldNames()).indexOf("video_id");
    int[] event = behaviours.stream().mapToInt(b -> in.fieldIndex(b.eventColumn())).toArray();
    int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));

    JavaPairRDD<SortKey, Row> impressions = rows.javaRDD().mapToPair(r ->
        new Tuple2<>(new SortKey(r.getLong(user), 1, r.getLong(time), video < 0 || r.isNullAt(video) ? 0 : r.getLong(video)), r));
    JavaPairRDD<SortKey, Row> seeds = state.select(stateColumns(stateSchema())).javaRDD()
        .mapToPair(r -> new Tuple2<>(new SortKey(r.getLong(0), 0, Long.MIN_VALUE, 0), r));
    JavaRDD<Tuple2<Boolean, Row>> passed = impressions.union(seeds)
        .repartitionAndSortWithinPartitions(new UserPartitioner(partitions), SortKey.ORDER)
        .mapPartitions(it -> new UserPass(it, time, cat, event))
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new Advanced(spark.createDataFrame(passed.filter(t -> !t._1()).map(Tuple2::_2), schema),
        spark.createDataFrame(passed.filter(Tuple2::_1).map(Tuple2::_2), stateSchema()), passed);
  }

  private static org.apache.spark.sql.Column[] stateColumns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new);
  }

  /** The time-gap bucket of an event {@code gapMs} before the impression: 1 + min(B-1, floor(log2(1 + minutes))). */
  static int gapBucket(long gapMs, int gapBuckets) {
    long wholeMinutesPlusOne = 1 + gapMs / 60_000L; // floor(log2(1 + m)) = floor(log2(1 + floor(m)))
    int log2 = 63 - Long.numberOfLeadingZeros(wholeMinutesPlusOne);
    return 1 + Math.min(gapBuckets - 1, log2);
  }

  /** Shuffle key: a user's state row first (kind 0), then its impressions by time and video. */
  record SortKey(long user, int kind, long time, long video) implements Serializable {
    static final Comparator<SortKey> ORDER = (Comparator<SortKey> & Serializable) (a, b) -> {
      int c = Long.compare(a.user, b.user);
      if (c == 0) c = Integer.compare(a.kind, b.kind);
      if (c == 0) c = Long.compare(a.time, b.time);
      return c != 0 ? c : Long.compare(a.video, b.video);
    };
  }

  /** All keys of one user go to one partition. */
  private static final class UserPartitioner extends Partitioner {
    private final int partitions;

    UserPartitioner(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return Math.floorMod(Long.hashCode(((SortKey) key).user()), partitions);
    }
  }

  private record Event(long time, int[] ids) {}

  /**
   * Walks a partition sorted by (user, kind, time, video): seeds a user's deques from its state row, emits each group of
   * same-millisecond rows before recording it, and emits the user's state when its rows end. Output: (is state, row).
   */
  private final class UserPass implements Iterator<Tuple2<Boolean, Row>> {
    private final Iterator<Tuple2<SortKey, Row>> input;
    private final int time, cat;
    private final int[] event;
    private final List<ArrayDeque<Event>> history = new ArrayList<>();
    private final ArrayDeque<Tuple2<Boolean, Row>> ready = new ArrayDeque<>();
    private final List<Row> sameInstant = new ArrayList<>();
    private Tuple2<SortKey, Row> lookahead;
    private long currentUser;
    private boolean inUser;

    UserPass(Iterator<Tuple2<SortKey, Row>> input, int time, int cat, int[] event) {
      this.input = input;
      this.time = time;
      this.cat = cat;
      this.event = event;
      for (int i = 0; i < behaviours.size(); i++) history.add(new ArrayDeque<>());
      lookahead = input.hasNext() ? input.next() : null;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && (lookahead != null || inUser)) step();
      return !ready.isEmpty();
    }

    @Override
    public Tuple2<Boolean, Row> next() {
      if (!hasNext()) throw new NoSuchElementException();
      return ready.poll();
    }

    private void step() {
      if (lookahead == null || !inUser || lookahead._1().user() != currentUser) {
        if (inUser) endUser();
        if (lookahead == null) return;
        startUser(lookahead._1().user());
      }
      if (lookahead._1().kind() == 0) {
        seed(lookahead._2());
        advanceInput();
        return;
      }
      long t = lookahead._2().getLong(time);
      sameInstant.clear();
      while (lookahead != null && lookahead._1().user() == currentUser && lookahead._1().kind() == 1 && lookahead._1().time() == t) {
        sameInstant.add(lookahead._2());
        advanceInput();
      }
      for (Row r : sameInstant) ready.add(new Tuple2<>(false, withSequences(r, t)));
      for (Row r : sameInstant) record(r, t);
    }

    private void advanceInput() {
      lookahead = input.hasNext() ? input.next() : null;
    }

    private void startUser(long user) {
      history.forEach(ArrayDeque::clear);
      currentUser = user;
      inUser = true;
    }

    /** A state row: per behaviour, times then field arrays, most recent first. */
    private void seed(Row state) {
      int column = 1;
      for (int b = 0; b < behaviours.size(); b++) {
        List<Long> times = state.getList(column++);
        int fields = behaviours.get(b).catPositions().length;
        List<List<Integer>> ids = new ArrayList<>();
        for (int f = 0; f < fields; f++) ids.add(state.getList(column++));
        ArrayDeque<Event> events = history.get(b);
        for (int i = 0; i < times.size() && i < maxLength; i++) {
          int[] eventIds = new int[fields];
          for (int f = 0; f < fields; f++) eventIds[f] = ids.get(f).get(i);
          events.addLast(new Event(times.get(i), eventIds));
        }
      }
    }

    private void endUser() {
      inUser = false;
      if (history.stream().allMatch(ArrayDeque::isEmpty)) return;
      List<Object> values = new ArrayList<>();
      values.add(currentUser);
      for (int b = 0; b < behaviours.size(); b++) {
        ArrayDeque<Event> events = history.get(b);
        long[] times = new long[events.size()];
        int i = 0;
        for (Event e : events) times[i++] = e.time();
        values.add(times);
        for (int f = 0; f < behaviours.get(b).catPositions().length; f++) values.add(idsOf(events, f));
      }
      ready.add(new Tuple2<>(true, RowFactory.create(values.toArray())));
    }

    private int[] idsOf(ArrayDeque<Event> events, int field) {
      int[] ids = new int[events.size()];
      int i = 0;
      for (Event e : events) ids[i++] = e.ids()[field];
      return ids;
    }

    /** Events at or after t (a row whose day disagrees with its time) are left out: no future event leaks in. */
    private Row withSequences(Row r, long t) {
      List<Object> values = new ArrayList<>(r.length() + 8);
      for (int i = 0; i < r.length(); i++) values.add(r.get(i));
      for (int b = 0; b < behaviours.size(); b++) {
        ArrayDeque<Event> events = history.get(b);
        if (!events.isEmpty() && events.peekFirst().time() >= t) {
          events = new ArrayDeque<>(events.stream().filter(e -> e.time() < t).toList());
        }
        for (int f = 0; f < behaviours.get(b).catPositions().length; f++) values.add(idsOf(events, f));
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
