package io.pgdba.log;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;

/**
 * Parses {@code DETAIL: Parameters: $1 = 'a', $2 = NULL}. Values are SQL literals whose quotes are
 * doubled inside, so a value may itself contain {@code ', '}: the scan follows the quoting instead
 * of splitting on commas.
 */
final class Parameters {

  /** PostgreSQL 13 to 15 write "parameters: ", 16+ "Parameters: ". */
  private static final String HEAD = "arameters: ";

  private Parameters() {}

  /**
   * As {@link #parse}, parsed when first looked at: most executions are only counted, and only
   * the slowest keeps its parameters as the example, so the others never pay for the parse.
   */
  static List<String> lazy(String detail) {
    if (detail == null
        || !(detail.startsWith("P") || detail.startsWith("p"))
        || !detail.startsWith(HEAD, 1)) {
      return List.of();
    }
    return new Lazy(detail);
  }

  /** An immutable list of the values of one DETAIL line, parsed on first use. */
  private static final class Lazy extends AbstractList<String> implements RandomAccess {
    private final String detail;
    private List<String> values; // immutable once set: a racy second parse gives an equal list

    Lazy(String detail) {
      this.detail = detail;
    }

    private List<String> values() {
      var v = values;
      if (v == null) {
        v = parse(detail);
        values = v;
      }
      return v;
    }

    @Override
    public String get(int index) {
      return values().get(index);
    }

    @Override
    public int size() {
      return values().size();
    }

    // the workload thread walks every list: straight to the parsed values, not through
    // AbstractList's iterator, which asks size() and get() of this wrapper at every step
    @Override
    public Iterator<String> iterator() {
      return values().iterator();
    }

    @Override
    public boolean isEmpty() {
      return values().isEmpty();
    }
  }

  /** The values as logged (quotes kept, NULL as NULL); empty when {@code detail} has none. */
  static List<String> parse(String detail) {
    if (detail == null
        || !(detail.startsWith("P") || detail.startsWith("p"))
        || !detail.startsWith(HEAD, 1)) {
      return List.of();
    }
    var values = new ArrayList<String>();
    String s = detail;
    int n = s.length();
    int i = HEAD.length() + 1;
    while (i < n) {
      if (s.charAt(i) != '$') {
        break;
      }
      int eq = s.indexOf(" = ", i);
      if (eq < 0) {
        break;
      }
      int start = eq + 3;
      int end;
      if (isNull(s, start, n)) {
        end = start + 4;
      } else if (start < n && s.charAt(start) == '\'') {
        end = closingQuote(s, start + 1);
        if (end < 0) {
          values.add(s.substring(start)); // cut by the record cap: keep what there is
          break;
        }
      } else {
        int comma = s.indexOf(", $", start);
        end = comma < 0 ? n : comma;
      }
      values.add(s.substring(start, end));
      if (!(end + 1 < n && s.charAt(end) == ',' && s.charAt(end + 1) == ' ')) { // ", " follows
        break;
      }
      i = end + 2;
    }
    return List.copyOf(values);
  }

  /** {@code s.startsWith("NULL", i)}, without the call (once a value, on the workload thread). */
  private static boolean isNull(String s, int i, int n) {
    return i + 3 < n && s.charAt(i) == 'N' && s.charAt(i + 1) == 'U' && s.charAt(i + 2) == 'L'
        && s.charAt(i + 3) == 'L';
  }

  /** Index just after the quote that closes a literal whose body starts at {@code from}. */
  private static int closingQuote(String s, int from) {
    int i = from;
    while (true) {
      int q = s.indexOf('\'', i);
      if (q < 0) {
        return -1;
      }
      if (q + 1 < s.length() && s.charAt(q + 1) == '\'') {
        i = q + 2;
      } else {
        return q + 1;
      }
    }
  }
}
