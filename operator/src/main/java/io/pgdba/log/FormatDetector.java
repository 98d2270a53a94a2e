package io.pgdba.log;

import java.util.List;

/** Guesses the format and, for stderr, the {@code log_line_prefix} from the first lines. */
final class FormatDetector {

  /**
   * The prefixes met in the field, tried in this order; on a tie the one extracting more fields
   * wins (a {@code %q} prefix matches background-process lines as well as the shorter default).
   */
  static final List<String> COMMON_PREFIXES =
      List.of(
          "%m [%p] ", // PostgreSQL default since 10
          "%m [%p] %q%u@%d ", // Debian / Ubuntu packages
          "%t [%p-%l] %q%u@%d ", // older Debian / Ubuntu packages
          "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", // pgBadger documentation
          "%t [%p]: user=%u,db=%d,app=%a,client=%h ", // pgBadger, without line numbers
          "%t [%p]: [%l-1] db=%d,user=%u,app=%a,client=%h ", // pgBadger, older order
          "%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
          "%t:%r:%u@%d:[%p]:", // Amazon RDS / Aurora
          "%m:%r:%u@%d:[%p]:",
          "%m [%p] %q[user=%u,db=%d,app=%a] ",
          "%m [%p] %q%u@%d/%a ", // CloudNativePG-like container images
          "%m [%p]: [%l-1] db=%d,user=%u ", // Google Cloud SQL
          "%t-%c-", // Azure Database for PostgreSQL
          "%t [%p] ",
          "%m %p ");

  private FormatDetector() {}

  /** The format most of the non-blank sample lines look like; STDERR when nothing tells. */
  static LogFormat format(List<String> sample) {
    int stderr = 0;
    int csv = 0;
    int json = 0;
    int cnpg = 0;
    for (String line : sample) {
      if (line.isBlank() || line.charAt(0) == '\t') {
        continue;
      }
      if (line.charAt(0) == '{') {
        if (line.contains("\"logger\"") || line.contains("\"logging_pod\"")) {
          cnpg++;
        } else {
          json++;
        }
      } else if (Timestamps.looksLikeDateTime(line, 0)) {
        int end = Timestamps.scan(line, 0, true);
        if (end > 0 && end < line.length() && line.charAt(end) == ',') {
          csv++;
        } else {
          stderr++;
        }
      } else {
        stderr++;
      }
    }
    int best = Math.max(Math.max(stderr, csv), Math.max(json, cnpg));
    if (best == 0 || best == stderr) {
      return LogFormat.STDERR;
    }
    if (best == csv) {
      return LogFormat.CSVLOG;
    }
    return best == cnpg ? LogFormat.CNPG : LogFormat.JSONLOG;
  }

  /**
   * The common prefix that opens a record on the most sample lines, or null when none opens any. On
   * a tie, the one that went further into its elements wins ({@code %m [%p] %q%u@%d } over {@code
   * %m [%p] } when session lines carry a user), then the first in the list.
   */
  static LogLinePrefix prefix(List<String> sample) {
    var fields = new PrefixFields();
    LogLinePrefix best = null;
    long bestCount = 0;
    long bestDepth = 0;
    for (String candidate : COMMON_PREFIXES) {
      var prefix = LogLinePrefix.compile(candidate);
      long count = 0;
      long depth = 0;
      for (String line : sample) {
        int at = prefix.match(line, fields);
        if (at >= 0 && fields.severity != null) {
          count++;
          depth += fields.elementsMatched;
        }
      }
      if (count > bestCount || (count == bestCount && count > 0 && depth > bestDepth)) {
        best = prefix;
        bestCount = count;
        bestDepth = depth;
      }
    }
    return best;
  }
}
