package io.pgdba.log;

import java.time.Instant;

/**
 * One PostgreSQL log message as any format carries it: the primary line plus its DETAIL, HINT,
 * CONTEXT and STATEMENT parts (in stderr those come as separate prefixed lines and are merged here,
 * so a record means the same thing whatever the format). Fields the format or prefix lacks are null.
 *
 * @param source the file name (or "stdin", or a pod name) the record came from
 * @param line the 1-based line number of the record's first line in {@code source}
 * @param worked the statement text of the message with its {@link TextWork} done ahead, by the
 *     thread that parsed the record; null when none was done
 */
public record LogRecord(
    Instant timestamp,
    String severity,
    Integer pid,
    String sessionId,
    String database,
    String user,
    String application,
    String host,
    String sqlState,
    Long queryId,
    String message,
    String detail,
    String hint,
    String context,
    String statement,
    String source,
    long line,
    WorkedText worked) {}
