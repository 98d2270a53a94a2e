package io.pgdba.log;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code log_line_prefix} compiled into a sequence of literal and field matchers, so that a
 * stderr line is split by a few {@code startsWith}/{@code indexOf} calls instead of a regular
 * expression. Shaped fields (timestamps, numbers, session id) are scanned by their shape; free-text
 * fields (user, database, application, host...) end where the next literal of the prefix starts.
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

  private LogLinePrefix(String pattern, Element[] elements) {
    this.pattern = pattern;
    this.elements = elements;
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

  /** Number of fields the prefix extracts; detection prefers the richer of equal candidates. */
  int fieldCount() {
    int n = 0;
    for (Element e : elements) {
      if (e.kind != Kind.LITERAL && e.kind != Kind.STOP_IF_NOT_SESSION) {
        n++;
      }
    }
    return n;
  }

  /**
   * Matches the prefix at the start of {@code line}, filling {@code out}; returns the index where
   * the severity starts, or -1 when the line does not carry this prefix.
   */
  int match(String line, PrefixFields out) {
    out.clear();
    int p = 0;
    int n = line.length();
    for (Element e : elements) {
      out.elementsMatched++;
      switch (e.kind) {
        case LITERAL -> {
          if (!line.startsWith(e.text, p)) {
            return -1;
          }
          p += e.text.length();
        }
        case STOP_IF_NOT_SESSION -> {
          // A background process writes nothing from %q on: the severity follows at once.
          if (Severity.at(line, p) != null) {
            out.elementsMatched--;
            return p;
          }
        }
        case TIME, TIME_MS, SESSION_START -> {
          int end = Timestamps.scan(line, p, true);
          if (end < 0) {
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
            return -1;
          }
          if (e.kind == Kind.PID) {
            out.pid = (int) Math.min(Integer.MAX_VALUE, parseLong(line, start, end));
          } else if (e.kind == Kind.QUERY_ID) {
            out.queryId = CsvlogParser.parseLong(line.substring(start, end));
          }
          p = e.padded ? skipSpaces(line, end) : end;
        }
        case SESSION_ID -> {
          int end = scanWhile(line, p, "0123456789abcdef.");
          if (end == p) {
            return -1;
          }
          out.sessionId = line.substring(p, end);
          p = end;
        }
        case SQLSTATE -> {
          int end = scanWhile(line, p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
          if (end - p != 5) {
            return -1;
          }
          out.sqlState = line.substring(p, end);
          p = end;
        }
        default -> {
          int end = textEnd(line, p, e.stopText);
          if (end < 0) {
            return -1;
          }
          String value = e.padded ? line.substring(p, end).trim() : line.substring(p, end);
          // PostgreSQL writes [unknown] where csvlog and jsonlog leave the field empty.
          assign(e.kind, value.isEmpty() || value.equals("[unknown]") ? null : value, out);
          p = end;
        }
      }
    }
    return p;
  }

  private static int textEnd(String line, int p, String stopText) {
    if (stopText != null) {
      return line.indexOf(stopText, p);
    }
    int space = line.indexOf(' ', p);
    return space < 0 ? -1 : space;
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
