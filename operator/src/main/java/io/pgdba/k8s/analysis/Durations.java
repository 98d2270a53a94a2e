package io.pgdba.k8s.analysis;

import java.time.Duration;
import java.util.regex.Pattern;

/** Go-style durations of the CRDs ({@code 1h}, {@code 30m}, {@code 1h30m}, {@code 5s}). */
public final class Durations {

  private static final Pattern FORMAT = Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");

  private Durations() {}

  /** Parses a duration; throws an exception naming the field for anything else. */
  public static Duration parse(String field, String value) {
    var m = value == null ? null : FORMAT.matcher(value.strip());
    if (m == null || !m.matches() || value.isBlank()) {
      throw new InvalidSpecException(
          field, "'" + value + "' is not a duration like 1h, 30m or 1h30m");
    }
    long seconds = 0;
    if (m.group(1) != null) {
      seconds += Long.parseLong(m.group(1)) * 3600;
    }
    if (m.group(2) != null) {
      seconds += Long.parseLong(m.group(2)) * 60;
    }
    if (m.group(3) != null) {
      seconds += Long.parseLong(m.group(3));
    }
    if (seconds == 0) {
      throw new InvalidSpecException(field, "the duration must be more than 0");
    }
    return Duration.ofSeconds(seconds);
  }
}
