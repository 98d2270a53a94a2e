package io.pgdba.metrics;

/**
 * One of an analysis' top queries as exported: its stable id (the workload fingerprint, never the
 * SQL text, which may be long or carry literals) and its figures over the run.
 */
public record QueryFigures(String queryId, long calls, double totalTimeMs, double meanTimeMs) {}
