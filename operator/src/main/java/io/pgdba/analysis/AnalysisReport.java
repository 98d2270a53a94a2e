package io.pgdba.analysis;

import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.log.LogReadResult;
import io.pgdba.workload.Workload;
import java.util.List;

/**
 * Everything one analysis found; the CLI renders it, the operator writes it into resources.
 *
 * @param sources what reading each log source gave, in input order (empty for pg_stat_statements)
 * @param advice index advice, null when no target database was given
 * @param warnings things the user should know (first unparsed line, no HypoPG, ...), one line each
 */
public record AnalysisReport(
    List<LogReadResult> sources,
    Workload workload,
    IndexAdvice advice,
    List<String> warnings) {}
