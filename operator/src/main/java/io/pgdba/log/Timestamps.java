package io.pgdba.log;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalQueries;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Parses the timestamps PostgreSQL writes ({@code 2024-05-01 10:00:00[.123] UTC}, the zone being an
 * abbreviation or a numeric offset) by hand: consecutive lines share their second, so the epoch
 * second of the last one is cached and only the fraction is parsed again.
 */
final class Timestamps {

  private final Map<String, ZoneId> zones = new HashMap<>();
  private final char[] lastSecond = new char[19];
  private String lastZone = "";
  private long lastEpochSecond = Long.MIN_VALUE;

  /** End index of a {@code YYYY-MM-DD HH:MM:SS[.fff] [zone]} starting at {@code from}, or -1. */
  static int scan(String s, int from, boolean withZone) {
    int n = s.length();
    if (from + 19 > n || !looksLikeDateTime(s, from)) {
      return -1;
    }
    int i = from + 19;
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
    }
    if (withZone) {
      if (i < n && s.charAt(i) == ' ') {
        int j = zoneEnd(s, i + 1);
        if (j > i + 1) {
          i = j;
        }
      }
    }
    return i;
  }

  /** Whether {@code s} has {@code YYYY-MM-DD HH:MM:SS} at {@code from} ('T' also accepted). */
  static boolean looksLikeDateTime(String s, int from) {
    if (from + 19 > s.length()) {
      return false;
    }
    for (int k = 0; k < 19; k++) {
      char c = s.charAt(from + k);
      boolean ok =
          switch (k) {
            case 4, 7 -> c == '-';
            case 10 -> c == ' ' || c == 'T';
            case 13, 16 -> c == ':';
            default -> isDigit(c);
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Parses {@code s[from, to)} as scanned by {@link #scan}; null when it is not a valid time. */
  Instant parse(String s, int from, int to) {
    if (to - from < 19 || !looksLikeDateTime(s, from)) {
      return null;
    }
    int i = from + 19;
    int nanos = 0;
    if (i < to && s.charAt(i) == '.') {
      int scale = 100_000_000;
      for (i++; i < to && isDigit(s.charAt(i)); i++) {
        nanos += (s.charAt(i) - '0') * scale;
        scale /= 10;
      }
    }
    int zoneStart = i < to && s.charAt(i) == ' ' ? i + 1 : i;
    int zoneLength = to - zoneStart;
    long epochSecond;
    if (sameSecond(s, from)
        && zoneLength == lastZone.length()
        && s.regionMatches(zoneStart, lastZone, 0, zoneLength)) {
      epochSecond = lastEpochSecond;
    } else {
      String zone = s.substring(zoneStart, to);
      ZoneId zoneId = zone(zone);
      try {
        var local =
            LocalDateTime.of(
                num(s, from, 4),
                num(s, from + 5, 2),
                num(s, from + 8, 2),
                num(s, from + 11, 2),
                num(s, from + 14, 2),
                num(s, from + 17, 2));
        epochSecond =
            zoneId instanceof ZoneOffset offset
                ? local.toEpochSecond(offset)
                : local.atZone(zoneId).toEpochSecond();
      } catch (DateTimeException e) {
        return null;
      }
      s.getChars(from, from + 19, lastSecond, 0);
      lastZone = zone;
      lastEpochSecond = epochSecond;
    }
    // %t has no fraction: every line of a second shares one Instant rather than a copy each
    Instant last = lastInstant;
    if (last != null && last.getEpochSecond() == epochSecond && last.getNano() == nanos) {
      return last;
    }
    last = Instant.ofEpochSecond(epochSecond, nanos);
    lastInstant = last;
    return last;
  }

  /** The instant {@link #parse} returned last. */
  private Instant lastInstant;

  /** What {@link #scan(byte[], int, int)} returns when only the String path can tell. */
  static final int DECLINE = -2;

  /**
   * {@link #scan(String, int, boolean)} (with the zone) on the bytes {@code b[from, end)} of a
   * line whose bytes before {@code from} are ASCII: the same end, -1 when there is no time there,
   * or {@link #DECLINE} when the answer depends on a non-ASCII character.
   */
  static int scan(byte[] b, int from, int end) {
    if (from + 19 > end || !looksLikeDateTime(b, from)) {
      return -1;
    }
    int i = from + 19;
    if (i < end && b[i] == '.') {
      i++;
      while (i < end && isDigit(b[i])) {
        i++;
      }
    }
    if (i < end && b[i] == ' ') {
      int j = zoneEnd(b, i + 1, end);
      if (j == DECLINE) {
        return DECLINE;
      }
      if (j > i + 1) {
        i = j;
      }
    }
    return i;
  }

  private static boolean looksLikeDateTime(byte[] b, int from) {
    for (int k = 0; k < 19; k++) {
      byte c = b[from + k];
      boolean ok =
          switch (k) {
            case 4, 7 -> c == '-';
            case 10 -> c == ' ' || c == 'T';
            case 13, 16 -> c == ':';
            default -> isDigit(c);
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@link #zoneEnd(String, int)} on bytes, or {@link #DECLINE}. */
  private static int zoneEnd(byte[] b, int z, int end) {
    int j = z;
    if (j < end && (b[j] == '+' || b[j] == '-')) {
      int d = j + 1;
      while (d < end && (isDigit(b[d]) || (b[d] == ':' && d == j + 3))) {
        d++;
      }
      int digits = d - j - 1 - (d > j + 3 && b[j + 3] == ':' ? 1 : 0);
      if (d < end && b[d] < 0) {
        return DECLINE; // Character.isLetterOrDigit of a non-ASCII character: the String path
      }
      if (digits < 2 || digits > 4 || (d < end && isLetterOrDigit(b[d]))) {
        return z;
      }
      return b[d - 1] == ':' ? d - 1 : d;
    }
    while (j < end && (isLetter(b[j]) || b[j] == '_' || b[j] == '/')) {
      j++;
    }
    return j;
  }

  /**
   * {@link #scan(byte[], int, int)}, then {@link #parse(byte[], int, int)} of what it found (read
   * with {@link #parsed()}), for a line whose bytes before {@code from} are ASCII. Lines mostly
   * repeat the time of the line before: when every byte the scan read last time (the time, its
   * zone, the bytes after where it stopped) comes again, its answer is given again.
   */
  int scanAndParse(byte[] b, int from, int end) {
    int n = lastScanKeyLength;
    if (n > 0 && from + n <= end && LogLinePrefix.same(b, from, lastScanKey, n)) {
      reach = from + n - 1;
      return from + lastScanEnd;
    }
    int to = scan(b, from, end);
    if (to < 0) {
      lastScanKeyLength = 0;
      return to;
    }
    lastParsed = parse(b, from, to);
    // the last byte the scan may have read: the one after it stopped, or the end of a run of
    // offset digits it read and refused as a zone
    reach = to + 1;
    if (reach < end && (b[reach] == '+' || b[reach] == '-')) {
      reach++;
      while (reach < end && (isDigit(b[reach]) || b[reach] == ':')) {
        reach++;
      }
    }
    n = reach + 1 - from;
    if (reach < end && n <= lastScanKey.length) {
      System.arraycopy(b, from, lastScanKey, 0, n);
      lastScanKeyLength = n;
      lastScanEnd = to - from;
    } else {
      lastScanKeyLength = 0;
    }
    return to;
  }

  /** The last byte the last successful {@link #scanAndParse} may have read. */
  int reach() {
    return reach;
  }

  private int reach;

  /** The time {@link #scanAndParse} found last (null when it is not a valid time). */
  Instant parsed() {
    return lastParsed;
  }

  private final byte[] lastScanKey = new byte[64];
  private int lastScanKeyLength;
  private int lastScanEnd;
  private Instant lastParsed;

  /** Last second and zone {@link #parse(byte[], int, int)} met, as bytes. */
  private final byte[] lastSecondBytes = new byte[19];

  private byte[] lastZoneBytes = new byte[0];
  private long lastEpochSecondBytes = Long.MIN_VALUE;

  /**
   * {@link #parse(String, int, int)} of {@code b[from, to)} as {@link #scan(byte[], int, int)}
   * found it (ASCII): the same instant. Most lines repeat the second of the line before: 19
   * bytes and the zone compared, nothing parsed again.
   */
  Instant parse(byte[] b, int from, int to) {
    int i = from + 19;
    int nanos = 0;
    if (i < to && b[i] == '.') {
      int scale = 100_000_000;
      for (i++; i < to && isDigit(b[i]); i++) {
        nanos += (b[i] - '0') * scale;
        scale /= 10;
      }
    }
    int zoneStart = i < to && b[i] == ' ' ? i + 1 : i;
    int zoneLength = to - zoneStart;
    long epochSecond;
    if (sameSecond(b, from) && sameZone(b, zoneStart, zoneLength)) {
      epochSecond = lastEpochSecondBytes;
    } else {
      String zone = new String(b, zoneStart, zoneLength, StandardCharsets.US_ASCII);
      ZoneId zoneId = zone(zone);
      try {
        var local =
            LocalDateTime.of(
                num(b, from, 4),
                num(b, from + 5, 2),
                num(b, from + 8, 2),
                num(b, from + 11, 2),
                num(b, from + 14, 2),
                num(b, from + 17, 2));
        epochSecond =
            zoneId instanceof ZoneOffset offset
                ? local.toEpochSecond(offset)
                : local.atZone(zoneId).toEpochSecond();
      } catch (DateTimeException e) {
        return null;
      }
      System.arraycopy(b, from, lastSecondBytes, 0, 19);
      lastZoneBytes = Arrays.copyOfRange(b, zoneStart, to);
      lastEpochSecondBytes = epochSecond;
    }
    Instant last = lastInstant;
    if (last != null && last.getEpochSecond() == epochSecond && last.getNano() == nanos) {
      return last;
    }
    last = Instant.ofEpochSecond(epochSecond, nanos);
    lastInstant = last;
    return last;
  }

  private boolean sameSecond(byte[] b, int from) {
    if (lastEpochSecondBytes == Long.MIN_VALUE) {
      return false;
    }
    byte[] last = lastSecondBytes;
    for (int k = 18; k >= 0; k--) {
      if (b[from + k] != last[k]) {
        return false;
      }
    }
    return true;
  }

  private boolean sameZone(byte[] b, int from, int length) {
    byte[] last = lastZoneBytes;
    if (length != last.length) {
      return false;
    }
    for (int k = 0; k < length; k++) {
      if (b[from + k] != last[k]) {
        return false;
      }
    }
    return true;
  }

  private static int num(byte[] b, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      v = v * 10 + (b[i] - '0');
    }
    return v;
  }

  static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(byte c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean isLetterOrDigit(byte c) {
    return isLetter(c) || isDigit(c);
  }

  /** Parses {@code %n}: seconds since the epoch with milliseconds ({@code 1714557600.123}). */
  static Instant parseEpoch(String s, int from, int to) {
    long seconds = 0;
    int i = from;
    for (; i < to && isDigit(s.charAt(i)); i++) {
      seconds = seconds * 10 + (s.charAt(i) - '0');
    }
    if (i == from || i - from > 18) {
      return null; // more digits than a long holds: no time PostgreSQL wrote
    }
    int nanos = 0;
    if (i < to && s.charAt(i) == '.') {
      int scale = 100_000_000;
      for (i++; i < to && isDigit(s.charAt(i)); i++) {
        nanos += (s.charAt(i) - '0') * scale;
        scale /= 10;
      }
    }
    try {
      return Instant.ofEpochSecond(seconds, nanos);
    } catch (DateTimeException e) {
      return null; // past Instant.MAX: logged text, not a time (it used to end the whole read)
    }
  }

  private boolean sameSecond(String s, int from) {
    if (lastEpochSecond == Long.MIN_VALUE) {
      return false;
    }
    for (int k = 18; k >= 0; k--) {
      if (s.charAt(from + k) != lastSecond[k]) {
        return false;
      }
    }
    return true;
  }

  private ZoneId zone(String name) {
    return zones.computeIfAbsent(name, Timestamps::resolveZone);
  }

  /** Abbreviations PostgreSQL prints (UTC, CEST, +05, -0330); unknown ones are taken as UTC. */
  private static ZoneId resolveZone(String name) {
    if (name.isEmpty() || name.equals("UTC") || name.equals("GMT") || name.equals("Z")) {
      return ZoneOffset.UTC;
    }
    char c = name.charAt(0);
    if (c == '+' || c == '-') {
      try {
        String digits = name.substring(1).replace(":", "");
        int hours = Integer.parseInt(digits.substring(0, Math.min(2, digits.length())));
        int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
        return ZoneOffset.ofHoursMinutes(c == '-' ? -hours : hours, c == '-' ? -minutes : minutes);
      } catch (RuntimeException e) {
        return ZoneOffset.UTC;
      }
    }
    try {
      return ZoneId.of(name, ZoneId.SHORT_IDS);
    } catch (DateTimeException e) {
      // fall through to the formatter, which knows the common abbreviations (CEST, PDT...)
    }
    try {
      var zone = DateTimeFormatter.ofPattern("z").parse(name).query(TemporalQueries.zone());
      return zone != null ? zone : ZoneOffset.UTC;
    } catch (DateTimeException e) {
      return ZoneOffset.UTC;
    }
  }

  private static int num(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * End of the zone PostgreSQL writes after a time: an abbreviation (letters, {@code UTC}, {@code
   * CEST}) or a numeric offset ({@code +05}, {@code -0330}, {@code +05:30}), never both: in {@code
   * %t-%c-} (Azure) the session id follows the zone with a dash, {@code UTC-65a4f1e0.1a2b-}.
   */
  static int zoneEnd(String s, int z) {
    int n = s.length();
    int j = z;
    if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
      int d = j + 1;
      while (d < n && (isDigit(s.charAt(d)) || (s.charAt(d) == ':' && d == j + 3))) {
        d++;
      }
      // an offset is 2 to 4 digits; a longer number or hex is something else
      int digits = d - j - 1 - (d > j + 3 && s.charAt(j + 3) == ':' ? 1 : 0);
      if (digits < 2 || digits > 4 || (d < n && Character.isLetterOrDigit(s.charAt(d)))) {
        return z;
      }
      return s.charAt(d - 1) == ':' ? d - 1 : d;
    }
    while (j < n && (isLetter(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '/')) {
      j++;
    }
    return j;
  }

  private static boolean isLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
}
