package io.pgdba.log;

/**
 * The RFC 3339 time {@code kubectl logs --timestamps} (and the API's {@code timestamps=true}) puts
 * before every pod-log line: {@code 2024-05-01T10:00:00.123456789Z }. PostgreSQL never writes a
 * {@code T} between date and time, so its presence identifies the Kubernetes prefix.
 */
final class KubernetesTimestamp {

  private KubernetesTimestamp() {}

  /** Length of the prefix (space included) at the start of {@code line}, or 0 when absent. */
  static int length(String line) {
    int n = line.length();
    if (n < 21 || line.charAt(10) != 'T' || !Timestamps.looksLikeDateTime(line, 0)) {
      return 0;
    }
    int i = 19;
    if (line.charAt(i) == '.') {
      i++;
      while (i < n && Timestamps.isDigit(line.charAt(i))) {
        i++;
      }
    }
    if (i < n && line.charAt(i) == 'Z') {
      i++;
    } else if (i + 6 <= n
        && (line.charAt(i) == '+' || line.charAt(i) == '-')
        && line.charAt(i + 3) == ':') {
      i += 6;
    } else {
      return 0;
    }
    return i < n && line.charAt(i) == ' ' ? i + 1 : (i == n ? n : 0);
  }
}
