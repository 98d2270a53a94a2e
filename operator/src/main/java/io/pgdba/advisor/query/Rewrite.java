package io.pgdba.advisor.query;

import io.pgdba.finding.Severity;
import java.util.Map;

/**
 * One anti-pattern found in one query, before the target's planner has been asked about it.
 *
 * @param kind the finding kind, {@code query.<what>}
 * @param title one line for a list
 * @param rewritten the rewritten query, regenerated from the parsed statement; null when the
 *     advice is not a query rewrite (an index, a setting, a change in the application)
 * @param ddl DDL that carries the advice out (an expression or trigram index), or null
 * @param rollbackDdl what undoes {@code ddl}, or null
 * @param why why the rewrite is faster, in plain words
 * @param caveats when the rewrite is not equivalent (NULLs, duplicates, ordering), or null
 * @param proveByPlan true when the finding only stands if the planner prices the rewrite lower:
 *     a rewrite whose only point is a better plan is noise when the planner already finds it
 * @param sameRows true when the rewrite must return the same row multiset as the original
 *     (what {@code --verify-rewrites} checks)
 * @param evidence figures of the detection (list length, offset, width...)
 */
record Rewrite(
    String kind,
    Severity severity,
    String title,
    String rewritten,
    String ddl,
    String rollbackDdl,
    String why,
    String caveats,
    boolean proveByPlan,
    boolean sameRows,
    Map<String, Object> evidence) {}
