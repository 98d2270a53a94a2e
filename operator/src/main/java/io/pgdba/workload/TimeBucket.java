package io.pgdba.workload;

import java.time.Instant;

/** Calls and time of one query in one time slice, for charts. */
public record TimeBucket(Instant start, long calls, double totalTimeMs) {}
