package io.infnet.model.train.shard;

import java.util.Arrays;

/**
 * An open-addressing long → int hash map on two primitive arrays (linear probing, doubling at load 0.6): 12 bytes a
 * slot, 20–40 bytes an entry, where a {@code HashMap<Long, Integer>} costs ~80. Values are non-negative (row indices):
 * -1 marks both an empty slot and an absent key. Not thread-safe.
 */
public final class LongIntMap {
  public static final int ABSENT = -1;
  private static final double MAX_LOAD = 0.6;
  private static final int MAX_CAPACITY = 1 << 30;
  private long[] keys;
  private int[] values;
  private int size;
  private int shift; // 64 - log2(capacity): a slot is the top bits of the key's Fibonacci hash

  public LongIntMap() {
    this(16);
  }

  /** A map that holds {@code expected} entries without growing. */
  public LongIntMap(int expected) {
    int capacity = 16;
    while (capacity < MAX_CAPACITY && capacity * MAX_LOAD < expected) capacity <<= 1;
    allocate(capacity);
  }

  /** The value of {@code key}, or {@link #ABSENT}. */
  public int get(long key) {
    int mask = keys.length - 1;
    for (int slot = slot(key); ; slot = (slot + 1) & mask) {
      if (values[slot] == ABSENT || keys[slot] == key) return values[slot];
    }
  }

  /** Maps {@code key} to {@code value} (≥ 0); returns the previous value or {@link #ABSENT}. */
  public int put(long key, int value) {
    if (value < 0) throw new IllegalArgumentException("LongIntMap values must be >= 0, got " + value + " for key " + key);
    if (size + 1 > keys.length * MAX_LOAD) grow();
    int mask = keys.length - 1;
    int slot = slot(key);
    while (values[slot] != ABSENT && keys[slot] != key) slot = (slot + 1) & mask;
    int previous = values[slot];
    if (previous == ABSENT) size++;
    keys[slot] = key;
    values[slot] = value;
    return previous;
  }

  public int size() {
    return size;
  }

  /** Every key, in no particular order. */
  public long[] keys() {
    long[] out = new long[size];
    int n = 0;
    for (int slot = 0; slot < keys.length; slot++) if (values[slot] != ABSENT) out[n++] = keys[slot];
    return out;
  }

  /** Memory held by the two arrays. */
  public long bytes() {
    return (long) keys.length * (Long.BYTES + Integer.BYTES);
  }

  private int slot(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
  }

  private void grow() {
    if (keys.length >= MAX_CAPACITY) throw new IllegalStateException("LongIntMap is full: " + size + " entries");
    long[] oldKeys = keys;
    int[] oldValues = values;
    allocate(keys.length << 1);
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] == ABSENT) continue;
      int slot = slot(oldKeys[i]);
      while (values[slot] != ABSENT) slot = (slot + 1) & mask;
      keys[slot] = oldKeys[i];
      values[slot] = oldValues[i];
    }
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    values = new int[capacity];
    Arrays.fill(values, ABSENT);
    shift = 64 - Integer.numberOfTrailingZeros(capacity);
  }
}
