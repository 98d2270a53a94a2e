package io.pgdba.history;

import java.time.Instant;

/** A named period of one analysis's history that later runs are compared with. */
public record Baseline(String analysis, String name, Instant from, Instant to) {}
