package io.pgdba.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code log_line_prefix} compiled into a sequence of literal and field matchers, so that a
 * stderr line is split by a few {@code startsWith}/{@code indexOf} calls instead of a regular
 * expression. Shaped fields (timestamps, numbers, session id) are scanned by their shape; free-text
 * fields (user, database, application, host...) end where the next literal of the prefix starts,
 * and at a later occurrence of it when only that leaves a severity after the prefix. Not thread
 * safe: one instance per reader.
 */
final class LogLinePrefix {

  private enum Kind {
    LITERAL,
    APPLICATION, // %a
    USER, // %u
    DATABASE, // %d
    REMOTE_HOST_PORT, // %r
    REMOTE_HOST, // %h
    BACKEND_TYPE, // %b
    PID, // %p
    LEADER_PID, // %P
    TIME, // %t
    TIME_MS, // %m
    TIME_EPOCH, // %n
    COMMAND_TAG, // %i
    SQLSTATE, // %e
    SESSION_ID, // %c
    LINE_NUMBER, // %l
    SESSION_START, // %s
    VXID, // %v
    XID, // %x
    STOP_IF_NOT_SESSION, // %q
    QUERY_ID // %Q
  }

  /** One step of the compiled prefix; {@code stopText} is the literal that ends a text field. */
  private record Element(Kind kind, String text, boolean padded, String stopText) {}

  private final String pattern;
  private final Element[] elements;
  private final Timestamps timestamps = new Timestamps();

  /** Index of the first free-text element, -1 when there is none (nothing to search). */
  private final int firstText;

  /**
   * Whether the prefix ends with a space: when the line has it too, no more spaces are skipped
   * before the severity (an application name may end with one).
   */
  private final boolean endsWithSpace;

  /** Index of the {@code %d} element of a {@code %u@%d} sequence, else -1. */
  private final int userAtDatabase;

  /** Scratch of {@link #search}: the end chosen for each free-text element, -1 when not yet. */
  private final int[] ends;

  /** Scratch of {@link #walk}: the element the last walk failed at (length when none did). */
  private int failedAt;

  /** Scratch of {@link #search}: the fields and position met at the first free-text field. */
  private final PrefixFields atFirstText = new PrefixFields();

  private int atFirstTextPosition;

  /** The pid last boxed, handed out again while lines come from the same process. */
  private Integer lastPid;

  private static final int FIELD_CACHE_SIZE = 256;
  private static final int FIELD_CACHE_MAX_CHARS = 64;

  /**
   * User, database, application and host repeat on every line: a direct-mapped cache by exact
   * text hands out one String per value instead of a substring per line, and later lookups by
   * these names then meet the same instance (equals by reference, hash already computed).
   */
  private final String[] fieldCache = new String[FIELD_CACHE_SIZE];

  /** Whether {@link #matchBytes} can read lines of this prefix (all its literals are ASCII). */
  private final boolean bytePath;

  /** By element: a literal's bytes, and without its trailing spaces (the last may lack them). */
  private final byte[][] literalBytes;

  private final byte[][] headBytes;

  /** By element: the bytes that end a free-text field. */
  private final byte[][] stopBytes;

  /** By free-text element: the bytes it last held, and the value they gave. */
  private final byte[][] lastFieldBytes;

  private final String[] lastFieldValue;

  /** By free-text element: the bytes it last held followed by its stop text. */
  private final byte[][] lastFieldKey;

  /** The byte path's field cache: texts with their bytes beside them. */
  private final String[] byteCacheValue = new String[FIELD_CACHE_SIZE];

  private final byte[][] byteCacheKey = new byte[FIELD_CACHE_SIZE][];

  private LogLinePrefix(String pattern, Element[] elements) {
    this.pattern = pattern;
    this.elements = elements;
    int text = -1;
    int userAt = -1;
    for (int k = elements.length - 1; k >= 0; k--) {
      if (isText(elements[k].kind)) {
        text = k;
      }
      if (k >= 2
          && elements[k].kind == Kind.DATABASE
          && elements[k - 1].kind == Kind.LITERAL
          && elements[k - 1].text.equals("@")
          && elements[k - 2].kind == Kind.USER) {
        userAt = k;
      }
    }
    this.firstText = text;
    this.endsWithSpace =
        elements.length > 0
            && elements[elements.length - 1].kind == Kind.LITERAL
            && elements[elements.length - 1].text.endsWith(" ");
    this.userAtDatabase = userAt;
    this.ends = new int[elements.length];
    this.literalBytes = new byte[elements.length][];
    this.headBytes = new byte[elements.length][];
    this.stopBytes = new byte[elements.length][];
    this.lastFieldBytes = new byte[elements.length][];
    this.lastFieldValue = new String[elements.length];
    this.lastFieldKey = new byte[elements.length][];
    boolean bytes = true;
    for (int k = 0; k < elements.length; k++) {
      Element e = elements[k];
      if (e.kind == Kind.LITERAL) {
        literalBytes[k] = ascii(e.text);
        headBytes[k] = ascii(e.text.stripTrailing());
        bytes &= literalBytes[k] != null;
      } else if (isText(e.kind)) {
        stopBytes[k] = ascii(e.stopText == null ? " " : e.stopText);
        bytes &= stopBytes[k] != null;
      } else if (e.kind == Kind.TIME_EPOCH) {
        bytes = false; // rare: left to the String path
      }
    }
    this.bytePath = bytes;
    this.memoStart = new int[elements.length];
    this.memoReach = new int[elements.length];
    this.memoCount = new int[elements.length];
    int[] assigned = new int[Kind.values().length];
    boolean resume = bytes && userAt < 0;
    for (Element e : elements) {
      Kind field = switch (e.kind) {
        case TIME_MS -> Kind.TIME;
        case REMOTE_HOST_PORT -> Kind.REMOTE_HOST;
        default -> e.kind;
      };
      resume &= e.kind != Kind.STOP_IF_NOT_SESSION
          && (e.kind == Kind.LITERAL || ++assigned[field.ordinal()] == 1);
    }
    this.resumable = resume;
    int pidAt = -1;
    int mask = 0;
    for (int k = 0; k < elements.length; k++) {
      if (elements[k].kind == Kind.PID) {
        pidAt = k;
        mask = 0;
      } else {
        mask |= fieldBit(elements[k].kind);
      }
    }
    this.pidElement = resume && pidAt >= 0 && pidAt < elements.length - 1 ? pidAt : -1;
    this.tailFields = mask;
    this.tails = new Tail[pidElement < 0 ? 0 : 64]; // made when first needed
  }

  /** The bytes of an ASCII text, null when it has another character. */
  private static byte[] ascii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return null;
      }
    }
    return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  String pattern() {
    return pattern;
  }

  /** Compiles a prefix; unknown escapes are kept as literal text, as PostgreSQL ignores them. */
  static LogLinePrefix compile(String prefix) {
    var raw = new ArrayList<Element>();
    var literal = new StringBuilder();
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c != '%' || i + 1 >= prefix.length()) {
        literal.append(c);
        continue;
      }
      int j = i + 1;
      boolean padded = false;
      if (prefix.charAt(j) == '-') {
        j++;
        padded = true;
      }
      while (j < prefix.length() && Character.isDigit(prefix.charAt(j))) {
        j++;
        padded = true;
      }
      if (j >= prefix.length()) {
        literal.append(prefix, i, prefix.length());
        break;
      }
      Kind kind = kindOf(prefix.charAt(j));
      if (prefix.charAt(j) == '%') {
        literal.append('%');
      } else if (kind == null) {
        // PostgreSQL writes nothing for an unknown escape.
      } else {
        if (literal.length() > 0) {
          raw.add(new Element(Kind.LITERAL, literal.toString(), false, null));
          literal.setLength(0);
        }
        raw.add(new Element(kind, null, padded, null));
      }
      i = j;
    }
    if (literal.length() > 0) {
      raw.add(new Element(Kind.LITERAL, literal.toString(), false, null));
    }
    List<Element> out = new ArrayList<>();
    for (int k = 0; k < raw.size(); k++) {
      Element e = raw.get(k);
      if (e.kind != Kind.LITERAL && e.kind != Kind.STOP_IF_NOT_SESSION) {
        e = new Element(e.kind, null, e.padded, nextLiteral(raw, k + 1));
      }
      out.add(e);
    }
    return new LogLinePrefix(prefix, out.toArray(new Element[0]));
  }

  private static String nextLiteral(List<Element> elements, int from) {
    for (int k = from; k < elements.size(); k++) {
      Element e = elements.get(k);
      if (e.kind == Kind.LITERAL) {
        return e.text;
      }
      if (e.kind != Kind.STOP_IF_NOT_SESSION) {
        return null;
      }
    }
    return null;
  }

  private static Kind kindOf(char c) {
    return switch (c) {
      case 'a' -> Kind.APPLICATION;
      case 'u' -> Kind.USER;
      case 'd' -> Kind.DATABASE;
      case 'r' -> Kind.REMOTE_HOST_PORT;
      case 'h' -> Kind.REMOTE_HOST;
      case 'b' -> Kind.BACKEND_TYPE;
      case 'p' -> Kind.PID;
      case 'P' -> Kind.LEADER_PID;
      case 't' -> Kind.TIME;
      case 'm' -> Kind.TIME_MS;
      case 'n' -> Kind.TIME_EPOCH;
      case 'i' -> Kind.COMMAND_TAG;
      case 'e' -> Kind.SQLSTATE;
      case 'c' -> Kind.SESSION_ID;
      case 'l' -> Kind.LINE_NUMBER;
      case 's' -> Kind.SESSION_START;
      case 'v' -> Kind.VXID;
      case 'x' -> Kind.XID;
      case 'q' -> Kind.STOP_IF_NOT_SESSION;
      case 'Q' -> Kind.QUERY_ID;
      default -> null;
    };
  }

  /**
   * Matches the prefix at the start of {@code line}, filling {@code out} (with {@link
   * PrefixFields#severity} when a severity follows); returns the index where the severity starts,
   * or -1 when the line does not carry this prefix. When it carries the prefix but no severity
   * follows it, the index is where the severity should have been and {@code out.severity} is null.
   *
   * <p>A free-text field first ends at the first occurrence of the literal after it. When that
   * leaves no severity after the prefix (an application name with a space, a user name with an
   * {@code @}...), later occurrences are tried, last field first, at most {@link #MAX_TRIES} splits
   * within the first {@link #SEARCH_LIMIT} characters, so that garbage costs linear time.
   */
  int match(String line, PrefixFields out) {
    int p = walk(line, out, null, Integer.MAX_VALUE);
    if (out.severity != null || firstText < 0 || (p < 0 && failedAt <= firstText)) {
      return p;
    }
    int found = search(line, out);
    // No split puts a severity after the prefix: report the first one, as it was.
    return found >= 0 ? found : walk(line, out, null, Integer.MAX_VALUE);
  }

  /** Splits tried after the first one, at most. */
  static final int MAX_TRIES = 64;

  /** Free-text fields are searched for their end within this many first characters of a line. */
  static final int SEARCH_LIMIT = 4096;

  /**
   * Depth-first search over the ends of the free-text fields, the last field moving first: as the
   * first try, each field prefers its first possible end.
   */
  private int search(String line, PrefixFields out) {
    int[] ends = this.ends;
    Arrays.fill(ends, -1);
    int limit = Math.min(line.length(), SEARCH_LIMIT);
    for (int tries = 0; tries < MAX_TRIES; tries++) {
      // the elements before the first free-text field match the same way every time
      int p = tries == 0 ? walk(line, out, ends, limit) : resume(line, out, ends, limit);
      if (out.severity != null) {
        return p;
      }
      // Move the end of the last free-text field before the failure to its next occurrence.
      int k = failedAt - 1;
      while (true) {
        while (k >= 0 && !isText(elements[k].kind)) {
          k--;
        }
        if (k < 0) {
          return -1;
        }
        int next = ends[k] < 0 ? -1 : textEnd(line, ends[k] + 1, elements[k].stopText, limit);
        if (next >= 0) {
          ends[k] = next;
          Arrays.fill(ends, k + 1, ends.length, -1);
          break;
        }
        k--;
      }
    }
    return -1;
  }

  /**
   * One pass over the elements. With {@code ends}, a free-text field ends where {@code ends} says,
   * else at its first end before {@code limit}, recorded in {@code ends}. Sets {@link #failedAt}.
   */
  private int walk(String line, PrefixFields out, int[] ends, int limit) {
    out.clear();
    return walk(line, out, ends, limit, 0, 0);
  }

  /** A walk of {@link #search} from the first free-text field, as the first one left it. */
  private int resume(String line, PrefixFields out, int[] ends, int limit) {
    out.copyFrom(atFirstText);
    return walk(line, out, ends, limit, firstText, atFirstTextPosition);
  }

  private int walk(String line, PrefixFields out, int[] ends, int limit, int from, int at) {
    int p = at;
    boolean spaceMatched = endsWithSpace;
    int n = line.length();
    Element[] elements = this.elements;
    for (int k = from; k < elements.length; k++) {
      Element e = elements[k];
      out.elementsMatched++;
      switch (e.kind) {
        case LITERAL -> {
          out.elementsMatched--; // the depth detection ranks by counts fields, not punctuation
          if (k == elements.length - 1 && !line.startsWith(e.text, p)) {
            // A prefix given with its trailing space reads lines written without it.
            String head = e.text.stripTrailing();
            if (!line.startsWith(head, p)) {
              failedAt = k;
              return -1;
            }
            p += head.length();
            spaceMatched = false;
            continue;
          }
          if (!line.startsWith(e.text, p)) {
            failedAt = k;
            return -1;
          }
          p += e.text.length();
        }
        case STOP_IF_NOT_SESSION -> {
          out.elementsMatched--; // a marker, not a field
          // A background process writes nothing from %q on: the severity follows at once.
          String severity = Severity.atLoose(line, p);
          if (severity != null) {
            out.severity = severity;
            return p;
          }
        }
        case TIME, TIME_MS, SESSION_START -> {
          int end = Timestamps.scan(line, p, true);
          if (end < 0) {
            failedAt = k;
            return -1;
          }
          if (e.kind != Kind.SESSION_START) {
            out.timestamp = timestamps.parse(line, p, end);
          }
          p = end;
        }
        case TIME_EPOCH -> {
          int end = scanWhile(line, p, "0123456789.");
          if (end == p) {
            failedAt = k;
            return -1;
          }
          out.timestamp = Timestamps.parseEpoch(line, p, end);
          p = end;
        }
        case PID, LEADER_PID, LINE_NUMBER, XID, QUERY_ID -> {
          int start = e.padded ? skipSpaces(line, p) : p;
          int end = start;
          if (e.kind == Kind.QUERY_ID && end < n && line.charAt(end) == '-') {
            end++;
          }
          while (end < n && Timestamps.isDigit(line.charAt(end))) {
            end++;
          }
          if (end == start && e.kind != Kind.LEADER_PID) {
            failedAt = k;
            return -1;
          }
          if (e.kind == Kind.PID) {
            int pid = (int) Math.min(Integer.MAX_VALUE, parseLong(line, start, end));
            // consecutive lines mostly come from one process: box its pid once
            if (lastPid == null || lastPid != pid) {
              lastPid = pid;
            }
            out.pid = lastPid;
          } else if (e.kind == Kind.QUERY_ID) {
            out.queryId = CsvlogParser.parseLong(line.substring(start, end));
          }
          p = e.padded ? skipSpaces(line, end) : end;
        }
        case SESSION_ID -> {
          int end = scanWhile(line, p, "0123456789abcdef.");
          if (end == p) {
            failedAt = k;
            return -1;
          }
          out.sessionId = line.substring(p, end);
          p = end;
        }
        case SQLSTATE -> {
          int end = scanWhile(line, p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
          if (end - p != 5) {
            failedAt = k;
            return -1;
          }
          out.sqlState = line.substring(p, end);
          p = end;
        }
        default -> {
          if (k == firstText && ends != null && from == 0) {
            atFirstText.copyFrom(out);
            atFirstText.elementsMatched--; // counted again when resumed
            atFirstTextPosition = p;
          }
          int end;
          if (ends == null) {
            end = textEnd(line, p, e.stopText, limit);
          } else if (ends[k] >= 0) {
            end = ends[k];
          } else {
            end = textEnd(line, p, e.stopText, limit);
            ends[k] = end;
          }
          if (end < 0) {
            failedAt = k;
            return -1;
          }
          String value = e.padded ? line.substring(p, end).trim() : fieldText(line, p, end);
          // PostgreSQL writes [unknown] where csvlog and jsonlog leave the field empty.
          assign(e.kind, value.isEmpty() || value.equals("[unknown]") ? null : value, out);
          if (k == userAtDatabase) {
            splitUserAtDatabase(out);
          }
          p = end;
        }
      }
    }
    failedAt = elements.length;
    out.severity = Severity.atLoose(line, p);
    if (out.severity != null || spaceMatched) {
      return p;
    }
    // A prefix given without its trailing space reads lines written with it.
    int sp = p;
    while (sp < n && line.charAt(sp) == ' ') {
      sp++;
    }
    out.severity = Severity.atLoose(line, sp);
    return out.severity != null ? sp : p;
  }

  /** What {@link #matchBytes} returns when the line needs the String path. */
  static final int DECLINE = -1;

  /**
   * The byte path of {@link #match}, for lines read as bytes (UTF-8) rather than Strings: a
   * String per line, and char-by-char access, cost a third of the parsing. Returns the index
   * (into {@code b}) where the severity starts, with {@code out} filled exactly as {@link #match}
   * fills it for the decoded line, or {@link #DECLINE} when this path cannot say for sure: no
   * severity after the prefix (the String path's free-text search and its reasons), a byte
   * {@code >= 0x80} before the severity (char and byte positions would differ), a prefix element
   * it does not read. Only a first walk that finds a severity is taken here, and that is where
   * {@link #match} stops too; ASCII bytes decode one to one, and a UTF-8 decoder never merges an
   * ASCII byte into another character, so every decision made on a byte is the one made on its
   * char. The caller then decodes the line after the severity (still UTF-8) itself.
   */
  int matchBytes(byte[] b, int start, int end, PrefixFields out) {
    if (!bytePath) {
      return DECLINE;
    }
    int n = memoLength;
    int at = DECLINE;
    if (n > 0) {
      int length = Math.min(n, end - start);
      int d = Arrays.mismatch(b, start, start + length, memoKey, 0, length);
      if (d < 0 && length == n && end - start > n) {
        at = start + n;
        String severity = Severity.atLoose(b, at, end);
        if (severity == null) {
          return DECLINE;
        }
        out.copyFrom(memo);
        out.severity = severity;
        return at;
      }
      int k = 0;
      if (resumable) {
        d = d < 0 ? length : d;
        while (k < elements.length && memoReach[k] < d) {
          k++;
        }
      }
      if (k > 0 && k < elements.length) {
        // the elements before k read only bytes before d, the same: their fields stand, the
        // walk goes on from k (each field has one element, which assigns it again)
        out.copyFrom(memo);
        out.elementsMatched = memoCount[k];
        at = walkBytes(b, start, end, out, k);
      } else {
        at = walkBytes(b, start, end, out, 0);
      }
    } else {
      at = walkBytes(b, start, end, out, 0);
    }
    n = at - start;
    if (at < 0 || n == 0 || n > MEMO_MAX_BYTES) {
      memoLength = 0;
    } else {
      if (pidElement >= 0 && !tailUsed) {
        rememberTail(b, start, at, out);
      }
      if (n > memoKey.length) {
        memoKey = new byte[Math.max(n, 2 * memoKey.length)];
      }
      System.arraycopy(b, start, memoKey, 0, n);
      memoLength = n;
      memo.copyFrom(out);
    }
    return at;
  }

  /**
   * The bytes of the last line {@link #walkBytes} took, from its start to its severity, and the
   * fields it found. Every byte the walk reads lies in there (each element stops at the first byte
   * that is not its own, which the next one reads; a free-text field ends at the first stop text,
   * inside), or is the severity's first letter: any two of those (L, E, F, P, W, N, I, D, H, C,
   * S, Q) stop or continue every element's scan alike (none is a digit, a space, a hex digit or
   * {@code :}, all are upper-case letters), and a trailing literal that reaches it wants a space.
   * So a line that starts with the same bytes, then a severity, gets the same fields: only its
   * severity is read. Consecutive lines mostly come from one session within one second (a
   * statement, then its DETAIL), so this skips most walks.
   */
  private byte[] memoKey = new byte[128];

  private int memoLength;
  private final PrefixFields memo = new PrefixFields();

  /** A longer head (a huge user name) is not remembered. */
  private static final int MEMO_MAX_BYTES = 1024;

  /** {@code b[from, from + n) == key[0, n)}; the JDK compare is faster from a dozen bytes (C1). */
  static boolean same(byte[] b, int from, byte[] key, int n) {
    if (n >= 12) {
      return Arrays.equals(b, from, from + n, key, 0, n);
    }
    for (int i = 0; i < n; i++) {
      if (b[from + i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The elements after the pid, as they went on the last line of a process (64 slots by pid):
   * the bytes from after the pid to the severity, the fields, and where each element was, as in
   * the memo. A line of another process than the line before still mostly repeats the tail of
   * that process's last line (its user, database, application, host): the walk, resumed at the
   * pid, then stops there. Sound for the reason the memo is; only with {@link #resumable}.
   */
  private static final class Tail {
    byte[] key = new byte[128];
    int length;
    final PrefixFields fields = new PrefixFields();
    int counted;
    final int[] start;
    final int[] reach;
    final int[] count;

    Tail(int elements) {
      start = new int[elements];
      reach = new int[elements];
      count = new int[elements];
    }
  }

  private final Tail[] tails;

  /** The pid element when tails are kept, else -1. */
  private final int pidElement;

  /** The fields the elements after the pid assign ({@link #fieldBit}). */
  private final int tailFields;

  /** Whether the last walk ended on a remembered tail. */
  private boolean tailUsed;

  private static int fieldBit(Kind kind) {
    return switch (kind) {
      case TIME, TIME_MS -> 1;
      case SESSION_ID -> 2;
      case SQLSTATE -> 4;
      case QUERY_ID -> 8;
      case USER -> 16;
      case DATABASE -> 32;
      case APPLICATION -> 64;
      case REMOTE_HOST, REMOTE_HOST_PORT -> 128;
      default -> 0;
    };
  }

  /**
   * At the end of the pid element ({@code p}): when the rest of the head repeats the remembered
   * tail of this pid and a severity follows, fills {@code out} and the memo's element positions
   * from it and returns where the severity starts; else -1 (the walk goes on).
   */
  private int tail(byte[] b, int start, int end, int p, PrefixFields out) {
    Tail tail = tails[out.pid & 63];
    int n = tail == null ? 0 : tail.length;
    if (n == 0 || end - p <= n || !same(b, p, tail.key, n)) {
      return -1;
    }
    String severity = Severity.atLoose(b, p + n, end);
    if (severity == null) {
      return -1;
    }
    PrefixFields f = tail.fields;
    int mask = tailFields;
    if ((mask & 1) != 0) {
      out.timestamp = f.timestamp;
    }
    if ((mask & 2) != 0) {
      out.sessionId = f.sessionId;
    }
    if ((mask & 4) != 0) {
      out.sqlState = f.sqlState;
    }
    if ((mask & 8) != 0) {
      out.queryId = f.queryId;
    }
    if ((mask & 16) != 0) {
      out.user = f.user;
    }
    if ((mask & 32) != 0) {
      out.database = f.database;
    }
    if ((mask & 64) != 0) {
      out.application = f.application;
    }
    if ((mask & 128) != 0) {
      out.host = f.host;
    }
    int at = p - start;
    int counted = out.elementsMatched;
    for (int k = pidElement + 1; k < elements.length; k++) {
      memoStart[k] = at + tail.start[k];
      memoReach[k] = at + tail.reach[k];
      memoCount[k] = counted + tail.count[k];
    }
    out.elementsMatched = counted + tail.counted;
    out.severity = severity;
    tailUsed = true;
    return p + n;
  }

  /** Remembers the tail of the line just walked ({@code b[start, at)}, the memo's positions). */
  private void rememberTail(byte[] b, int start, int at, PrefixFields out) {
    int from = memoStart[pidElement + 1];
    int n = at - start - from;
    Tail tail = tails[out.pid & 63];
    if (n <= 0 || n > MEMO_MAX_BYTES) {
      if (tail != null) {
        tail.length = 0;
      }
      return;
    }
    if (tail == null) {
      tail = new Tail(elements.length);
      tails[out.pid & 63] = tail;
    }
    if (n > tail.key.length) {
      tail.key = new byte[Math.max(n, 2 * tail.key.length)];
    }
    System.arraycopy(b, start + from, tail.key, 0, n);
    tail.length = n;
    tail.fields.copyFrom(out);
    int counted = memoCount[pidElement + 1];
    tail.counted = out.elementsMatched - counted;
    for (int k = pidElement + 1; k < elements.length; k++) {
      tail.start[k] = memoStart[k] - from;
      tail.reach[k] = memoReach[k] - from;
      tail.count[k] = memoCount[k] - counted;
    }
  }

  /**
   * Where each element of the memo's line starts, the last byte it may have read (the byte that
   * stopped it, a literal's full length, a time's reach), and the elements counted before it.
   */
  private final int[] memoStart;

  private final int[] memoReach;
  private final int[] memoCount;

  /**
   * Whether a walk may go on from an element of the memo's line: not with %q (it ends the walk
   * early), %u@%d (the split rewrites an earlier field) or two elements with one field.
   */
  private final boolean resumable;

  /**
   * {@link #matchBytes} without the memo: a pass over the elements from {@code first} (0: from the
   * start, else from where the memo's line had that element, with {@code out} as it was there).
   */
  private int walkBytes(byte[] b, int start, int end, PrefixFields out, int first) {
    tailUsed = false;
    if (first == 0) {
      out.clear();
    }
    int p = first == 0 ? start : start + memoStart[first];
    boolean spaceMatched = endsWithSpace;
    Element[] elements = this.elements;
    int last = elements.length - 1;
    for (int k = first; k <= last; k++) {
      Element e = elements[k];
      memoStart[k] = p - start;
      memoCount[k] = out.elementsMatched;
      out.elementsMatched++;
      switch (e.kind) {
        case LITERAL -> {
          out.elementsMatched--;
          byte[] lit = literalBytes[k];
          memoReach[k] = p - start + lit.length - 1;
          if (!startsWith(b, p, end, lit)) {
            if (k != last || !startsWith(b, p, end, headBytes[k])) {
              return DECLINE;
            }
            p += headBytes[k].length;
            spaceMatched = false;
            continue;
          }
          p += lit.length;
        }
        case STOP_IF_NOT_SESSION -> {
          out.elementsMatched--;
          memoReach[k] = Integer.MAX_VALUE; // never resumed (not resumable)
          String severity = Severity.atLoose(b, p, end);
          if (severity != null) {
            out.severity = severity;
            return p;
          }
        }
        case TIME, TIME_MS, SESSION_START -> {
          int to = timestamps.scanAndParse(b, p, end);
          if (to < 0) {
            return DECLINE;
          }
          if (e.kind != Kind.SESSION_START) {
            out.timestamp = timestamps.parsed();
          }
          memoReach[k] = timestamps.reach() - start;
          p = to;
        }
        case PID, LEADER_PID, LINE_NUMBER, XID, QUERY_ID -> {
          int from = e.padded ? skipSpaces(b, p, end) : p;
          int to = from;
          if (e.kind == Kind.QUERY_ID && to < end && b[to] == '-') {
            to++;
          }
          long v = 0;
          while (to < end && Timestamps.isDigit(b[to])) {
            v = v * 10 + (b[to] - '0'); // wraps as parseLong does; only a 19+ digit pid reads it
            to++;
          }
          if (to == from && e.kind != Kind.LEADER_PID) {
            return DECLINE;
          }
          if (e.kind == Kind.PID) {
            if (to - from > 18) {
              return DECLINE; // the String path's wrap-around, not worth repeating here
            }
            int pid = (int) Math.min(Integer.MAX_VALUE, v);
            if (lastPid == null || lastPid != pid) {
              lastPid = pid;
            }
            out.pid = lastPid;
          } else if (e.kind == Kind.QUERY_ID) {
            out.queryId = CsvlogParser.parseLong(asciiText(b, from, to));
          }
          p = e.padded ? skipSpaces(b, to, end) : to;
          memoReach[k] = p - start;
          if (k == pidElement) {
            int at = tail(b, start, end, p, out);
            if (at >= 0) {
              return at;
            }
          }
        }
        case SESSION_ID -> {
          int to = p;
          while (to < end && (Timestamps.isDigit(b[to]) || (b[to] >= 'a' && b[to] <= 'f')
              || b[to] == '.')) {
            to++;
          }
          if (to == p) {
            return DECLINE;
          }
          out.sessionId = asciiText(b, p, to);
          p = to;
          memoReach[k] = p - start;
        }
        case SQLSTATE -> {
          int to = p;
          while (to < end && (Timestamps.isDigit(b[to]) || (b[to] >= 'A' && b[to] <= 'Z'))) {
            to++;
          }
          if (to - p != 5) {
            return DECLINE;
          }
          out.sqlState = asciiText(b, p, to);
          p = to;
          memoReach[k] = p - start;
        }
        default -> {
          byte[] key = lastFieldKey[k];
          if (!e.padded && key != null && p + key.length <= end && same(b, p, key, key.length)) {
            // the value of the line before, and its stop text: the first stop is where it was
            assign(e.kind, lastFieldValue[k], out);
            if (k == userAtDatabase) {
              splitUserAtDatabase(out);
            }
            memoReach[k] = p - start + key.length - 1;
            p += key.length - stopBytes[k].length;
            continue;
          }
          int to = indexOf(b, p, end, stopBytes[k]);
          if (to < 0) {
            return DECLINE;
          }
          String value;
          if (e.padded) {
            String text = asciiText(b, p, to);
            if (text == null) {
              return DECLINE;
            }
            value = text.trim();
            value = value.isEmpty() || value.equals("[unknown]") ? null : value;
          } else {
            value = fieldValue(k, b, p, to);
            if (value == NOT_ASCII) {
              return DECLINE;
            }
          }
          assign(e.kind, value, out);
          if (k == userAtDatabase) {
            splitUserAtDatabase(out);
          }
          memoReach[k] = to - start + stopBytes[k].length - 1;
          p = to;
        }
      }
    }
    String severity = Severity.atLoose(b, p, end);
    if (severity == null && !spaceMatched) {
      // A prefix given without its trailing space reads lines written with it.
      p = skipSpaces(b, p, end);
      severity = Severity.atLoose(b, p, end);
    }
    if (severity == null) {
      return DECLINE;
    }
    out.severity = severity;
    return p;
  }

  /** Marks a field with a byte {@code >= 0x80}: compared by reference only. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String NOT_ASCII = new String("not ASCII");

  /**
   * The value of free-text element {@code k} at {@code b[from, to)} as {@link #walk} assigns it
   * (null for empty or {@code [unknown]}), or {@link #NOT_ASCII}. Mostly the value of the line
   * before: its bytes compared, no String made; then a small cache keyed by the bytes.
   */
  private String fieldValue(int k, byte[] b, int from, int to) {
    int len = to - from;
    byte[] lastBytes = lastFieldBytes[k];
    if (lastBytes != null && lastBytes.length == len && equal(b, from, lastBytes)) {
      return lastFieldValue[k];
    }
    int h = len;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c < 0) {
        return NOT_ASCII;
      }
      h = 31 * h + c;
    }
    int slot = (h ^ (h >>> 16)) & (FIELD_CACHE_SIZE - 1);
    byte[] key = byteCacheKey[slot];
    String value;
    if (key != null && key.length == len && equal(b, from, key)) {
      value = byteCacheValue[slot];
    } else {
      key = java.util.Arrays.copyOfRange(b, from, to);
      String text = new String(key, java.nio.charset.StandardCharsets.US_ASCII);
      value = text.isEmpty() || text.equals("[unknown]") ? null : text;
      if (len <= FIELD_CACHE_MAX_CHARS) {
        byteCacheKey[slot] = key;
        byteCacheValue[slot] = value;
      }
    }
    lastFieldBytes[k] = key;
    lastFieldValue[k] = value;
    byte[] stop = stopBytes[k];
    if (len + stop.length <= MEMO_MAX_BYTES) {
      byte[] withStop = Arrays.copyOf(key, len + stop.length);
      System.arraycopy(stop, 0, withStop, len, stop.length);
      lastFieldKey[k] = withStop;
    } else {
      lastFieldKey[k] = null;
    }
    return value;
  }

  private static boolean equal(byte[] b, int from, byte[] key) {
    for (int i = 0; i < key.length; i++) {
      if (b[from + i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@code b[from, to)} as a String when it is ASCII, else null. */
  private static String asciiText(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] < 0) {
        return null;
      }
    }
    return new String(b, from, to - from, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static boolean startsWith(byte[] b, int p, int end, byte[] lit) {
    if (p + lit.length > end) {
      return false;
    }
    for (int i = 0; i < lit.length; i++) {
      if (b[p + i] != lit[i]) {
        return false;
      }
    }
    return true;
  }

  /** First {@code stop} in {@code b[from, end)}, as {@code String.indexOf} finds it in chars. */
  private static int indexOf(byte[] b, int from, int end, byte[] stop) {
    byte first = stop[0];
    int lastStart = end - stop.length;
    for (int i = from; i <= lastStart; i++) {
      if (b[i] == first && startsWith(b, i, end, stop)) {
        return i;
      }
    }
    return -1;
  }

  private static int skipSpaces(byte[] b, int from, int end) {
    int i = from;
    while (i < end && b[i] == ' ') {
      i++;
    }
    return i;
  }

  /** {@code line[from, to)}, the cached instance when the same text was met before. */
  private String fieldText(String line, int from, int to) {
    int len = to - from;
    if (len > FIELD_CACHE_MAX_CHARS) {
      return line.substring(from, to);
    }
    int h = len;
    for (int i = from; i < to; i++) {
      h = 31 * h + line.charAt(i);
    }
    int slot = (h ^ (h >>> 16)) & (FIELD_CACHE_SIZE - 1);
    String cached = fieldCache[slot];
    if (cached != null && cached.length() == len && line.startsWith(cached, from)) {
      return cached;
    }
    String value = line.substring(from, to);
    fieldCache[slot] = value;
    return value;
  }

  /**
   * In {@code %u@%d} the {@code @} is ambiguous when the user name has one (a Kerberos principal
   * {@code alice@EXAMPLE.COM}, a cloud IAM e-mail): the first {@code @} would leave {@code
   * EXAMPLE.COM@shop} as the database. Database names with an {@code @} are much rarer than such
   * user names, so the last {@code @} splits them.
   */
  private static void splitUserAtDatabase(PrefixFields out) {
    String database = out.database;
    int at = database == null || out.user == null ? -1 : database.lastIndexOf('@');
    if (at >= 0) {
      out.user = out.user + '@' + database.substring(0, at);
      out.database = database.substring(at + 1);
    }
  }

  private static boolean isText(Kind kind) {
    return switch (kind) {
      case APPLICATION, USER, DATABASE, REMOTE_HOST_PORT, REMOTE_HOST, BACKEND_TYPE, COMMAND_TAG,
          VXID -> true;
      default -> false;
    };
  }

  /** Where a free-text field starting at {@code p} ends: its stop text, else a space. */
  private static int textEnd(String line, int p, String stopText, int limit) {
    if (limit == Integer.MAX_VALUE) {
      return line.indexOf(stopText == null ? " " : stopText, p);
    }
    // bounded, so that the search over a huge garbage line stays linear in SEARCH_LIMIT
    String stop = stopText == null ? " " : stopText;
    char first = stop.charAt(0);
    int last = Math.min(limit, line.length()) - stop.length();
    for (int i = p; i <= last; i++) {
      if (line.charAt(i) == first && line.startsWith(stop, i)) {
        return i;
      }
    }
    return -1;
  }

  private static void assign(Kind kind, String value, PrefixFields out) {
    switch (kind) {
      case APPLICATION -> out.application = value;
      case USER -> out.user = value;
      case DATABASE -> out.database = value;
      case REMOTE_HOST -> out.host = value;
      case REMOTE_HOST_PORT -> out.host = value == null ? null : stripPort(value);
      default -> {
        // command tag, backend type, vxid: not part of a LogRecord
      }
    }
  }

  /** {@code %r} is {@code host(port)}, or {@code [local]}. */
  private static String stripPort(String value) {
    int paren = value.lastIndexOf('(');
    return paren > 0 && value.endsWith(")") ? value.substring(0, paren) : value;
  }

  private static int scanWhile(String s, int from, String allowed) {
    int i = from;
    while (i < s.length() && allowed.indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  private static int skipSpaces(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static long parseLong(String s, int from, int to) {
    boolean negative = from < to && s.charAt(from) == '-';
    long v = 0;
    for (int i = negative ? from + 1 : from; i < to; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return negative ? -v : v;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
