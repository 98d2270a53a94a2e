package io.pgdba.workload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls and time of one query per time slice. Slices are aligned on multiples of the width since
 * the epoch; when a query spans more than {@link #MAX_BUCKETS} slices the width doubles and
 * neighbouring slices merge, so memory stays bounded whatever the time span of the log.
 */
final class BucketSeries {

  static final int MAX_BUCKETS = 120;

  private long widthMs;
  /** Slice number (in widths since the epoch) of index 0. */
  private long origin;
  private int len;
  private long[] calls;
  private double[] time;

  BucketSeries(long widthMs) {
    this.widthMs = widthMs;
  }

  long widthMs() {
    return widthMs;
  }

  void add(long epochMs, long n, double ms) {
    long idx = Math.floorDiv(epochMs, widthMs);
    if (len == 0) {
      origin = idx;
      ensureCapacity(1);
      len = 1;
    } else {
      while (Math.max(origin + len - 1, idx) - Math.min(origin, idx) + 1 > MAX_BUCKETS) {
        widen();
        idx = Math.floorDiv(epochMs, widthMs);
      }
      if (idx < origin) {
        int shift = (int) (origin - idx);
        ensureCapacity(len + shift);
        System.arraycopy(calls, 0, calls, shift, len);
        System.arraycopy(time, 0, time, shift, len);
        java.util.Arrays.fill(calls, 0, shift, 0);
        java.util.Arrays.fill(time, 0, shift, 0);
        origin = idx;
        len += shift;
      } else if (idx >= origin + len) {
        int newLen = (int) (idx - origin + 1);
        ensureCapacity(newLen);
        len = newLen;
      }
    }
    int i = (int) (idx - origin);
    calls[i] += n;
    time[i] += ms;
  }

  void addAll(BucketSeries o) {
    for (int i = 0; i < o.len; i++) {
      if (o.calls[i] > 0) {
        add((o.origin + i) * o.widthMs, o.calls[i], o.time[i]);
      }
    }
  }

  /** Doubles the width, merging slice pairs in place. */
  private void widen() {
    long newOrigin = Math.floorDiv(origin, 2);
    for (int i = 0; i < len; i++) {
      long c = calls[i];
      double t = time[i];
      calls[i] = 0;
      time[i] = 0;
      int j = (int) (Math.floorDiv(origin + i, 2) - newOrigin);
      calls[j] += c;
      time[j] += t;
    }
    len = (int) (Math.floorDiv(origin + len - 1, 2) - newOrigin + 1);
    origin = newOrigin;
    widthMs *= 2;
  }

  private void ensureCapacity(int n) {
    if (calls == null || calls.length < n) {
      int cap = Math.min(MAX_BUCKETS, Math.max(n, calls == null ? 4 : calls.length * 2));
      calls = calls == null ? new long[cap] : java.util.Arrays.copyOf(calls, cap);
      time = time == null ? new double[cap] : java.util.Arrays.copyOf(time, cap);
    }
  }

  int capacity() {
    return calls == null ? 0 : calls.length;
  }

  /** The non-empty slices, oldest first (empty ones are left out to keep reports small). */
  List<TimeBucket> toList() {
    var list = new ArrayList<TimeBucket>();
    for (int i = 0; i < len; i++) {
      if (calls[i] > 0) {
        list.add(new TimeBucket(Instant.ofEpochMilli((origin + i) * widthMs), calls[i], time[i]));
      }
    }
    return list;
  }
}
