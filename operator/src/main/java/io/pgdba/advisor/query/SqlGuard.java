package io.pgdba.advisor.query;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;

/**
 * What may reach the target: one SELECT that pgdba regenerated from the parsed statement, with the
 * names it calls listed so that the caller can refuse user-defined functions, types and operators
 * (the planner folds immutable functions of constants, and constants come from the log).
 */
final class SqlGuard {

  /** Built-in functions that read nothing and change nothing when run (--verify-rewrites). */
  static final Set<String> SAFE_TO_RUN = Set.of(
      "count", "sum", "avg", "min", "max", "lower", "upper", "date", "date_trunc", "coalesce",
      "nullif", "greatest", "least", "length", "char_length", "abs", "round", "floor", "ceil",
      "substr", "substring", "trim", "btrim", "ltrim", "rtrim", "concat", "extract", "date_part",
      "now", "random", "array_agg", "string_agg", "bool_and", "bool_or", "left", "right",
      "replace", "position", "age", "make_date", "to_char");

  /** Words that precede a parenthesis without being a function call. */
  private static final Set<String> NOT_CALLS = Set.of(
      "in", "exists", "any", "all", "some", "values", "as", "on", "using", "over", "filter",
      "and", "or", "not", "where", "from", "select", "join", "lateral", "by", "then", "when",
      "else", "case", "is", "like", "ilike", "between", "union", "intersect", "except",
      "distinct", "cast", "row", "array", "limit", "offset", "having", "within", "group",
      "varchar", "numeric", "decimal", "char", "character", "varying", "timestamp", "time",
      "interval", "bit", "float", "with", "escape", "only", "into", "set");

  private SqlGuard() {}

  /** Thrown when a text must not reach the target; the message says why, in one line. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The names a statement uses outside string literals.
   *
   * @param calls names followed by a parenthesis (functions, maybe type modifiers), lower case
   * @param identifiers every identifier, unquoted ones folded to lower case
   * @param operators operator symbols
   */
  record Names(Set<String> calls, Set<String> identifiers, Set<String> operators) {}

  /**
   * Parses {@code sql} again and returns the parser's own text of it: exactly one SELECT, no
   * {@code INTO}, no locking clause, no data-modifying CTE.
   */
  static String regenerate(String sql) throws Refused {
    net.sf.jsqlparser.statement.Statements statements;
    try {
      statements = CCJSqlParserUtil.parseStatements(sql);
    } catch (Exception | StackOverflowError e) {
      throw new Refused("the parser does not read the statement back");
    }
    if (statements == null || statements.size() != 1) {
      throw new Refused("not exactly one statement");
    }
    if (!(statements.get(0) instanceof Select select)) {
      throw new Refused("not a SELECT");
    }
    if (select.getWithItemsList() != null) {
      for (var with : select.getWithItemsList()) {
        boolean plainSelect;
        try {
          plainSelect = with.getSelect() != null;
        } catch (RuntimeException e) {
          plainSelect = false; // the parser's WITH item holds a DELETE or an UPDATE
        }
        if (!plainSelect) {
          throw new Refused("data-modifying CTE");
        }
      }
    }
    if (select instanceof PlainSelect plain
        && (plain.getIntoTables() != null || plain.getForMode() != null)) {
      throw new Refused("SELECT INTO or a locking clause");
    }
    return select.toString();
  }

  /**
   * The names in a text that came from {@link #regenerate}. Dollar quotes and comments are
   * refused: the parser's own output has none, so their presence means something is off.
   */
  static Names names(String sql) throws Refused {
    var calls = new TreeSet<String>();
    var identifiers = new TreeSet<String>();
    var operators = new TreeSet<String>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\''
          && (i == 0 || !isIdentifierPart(sql.charAt(i - 1))))) {
        boolean escapes = c != '\'';
        i = escapes ? i + 2 : i + 1;
        while (true) {
          if (i >= n) {
            throw new Refused("unterminated string literal");
          }
          char d = sql.charAt(i);
          if (escapes && d == '\\') {
            i += 2;
          } else if (d == '\'' && i + 1 < n && sql.charAt(i + 1) == '\'') {
            i += 2;
          } else if (d == '\'') {
            i++;
            break;
          } else {
            i++;
          }
        }
      } else if (c == '"') {
        int end = sql.indexOf('"', i + 1);
        while (end > 0 && end + 1 < n && sql.charAt(end + 1) == '"') {
          end = sql.indexOf('"', end + 2);
        }
        if (end < 0) {
          throw new Refused("unterminated quoted identifier");
        }
        String name = sql.substring(i + 1, end).replace("\"\"", "\"");
        identifiers.add(name);
        i = end + 1;
        if (nextNonSpace(sql, i) == '(') {
          throw new Refused("a call of a quoted name");
        }
      } else if (c == '$' || (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-')
          || (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*')) {
        if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
          i += 2;
          while (i < n && Character.isDigit(sql.charAt(i))) {
            i++;
          }
          continue;
        }
        throw new Refused("dollar quote or comment in regenerated text");
      } else if (c == ';') {
        throw new Refused("a semicolon outside literals");
      } else if (isIdentifierStart(c)) {
        int start = i;
        while (i < n && isIdentifierPart(sql.charAt(i))) {
          i++;
        }
        String word = sql.substring(start, i).toLowerCase(Locale.ROOT);
        identifiers.add(word);
        if (nextNonSpace(sql, i) == '(' && !NOT_CALLS.contains(word)) {
          calls.add(word);
        }
      } else if ("+-*/<>=~!@#%^&|`?".indexOf(c) >= 0) {
        int start = i;
        while (i < n && "+-*/<>=~!@#%^&|`?".indexOf(sql.charAt(i)) >= 0) {
          i++;
        }
        operators.add(sql.substring(start, i));
      } else {
        i++;
      }
    }
    return new Names(calls, identifiers, operators);
  }

  private static char nextNonSpace(String sql, int i) {
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    return i < sql.length() ? sql.charAt(i) : 0;
  }

  private static boolean isIdentifierStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
