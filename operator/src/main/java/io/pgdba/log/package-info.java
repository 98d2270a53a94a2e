/**
 * Reading PostgreSQL logs: {@link io.pgdba.log.LogReader} turns one {@link io.pgdba.log.LogSource}
 * (file, gzip, standard input, pod log) in any {@link io.pgdba.log.LogFormat} into {@link
 * io.pgdba.log.LogRecord}s that mean the same whatever the format; {@link
 * io.pgdba.log.LogEventAssembler} turns records into {@link io.pgdba.log.LogEvent}s (statements
 * with their duration and parameters, plans, errors, server activity).
 *
 * <pre>
 * var assembler = new LogEventAssembler(workloadBuilder);
 * for (LogSource source : sources) {
 *   LogReadResult result = new LogReader(options).read(source, assembler);
 * }
 * assembler.finish();
 * </pre>
 *
 * Everything streams: memory depends on neither the log size nor its longest line.
 */
package io.pgdba.log;
