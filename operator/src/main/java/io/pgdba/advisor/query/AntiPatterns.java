package io.pgdba.advisor.query;

import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Column;
import io.pgdba.catalog.Constraint;
import io.pgdba.catalog.Index;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.Identifiers;
import io.pgdba.ddl.IndexDdl;
import io.pgdba.ddl.IndexDefinition;
import io.pgdba.ddl.IndexKey;
import io.pgdba.finding.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimestampValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;

/**
 * Finds the anti-patterns of one SELECT with JSqlParser and the catalog (nullability, keys,
 * indexes, widths) and writes each rewrite as SQL regenerated from the parsed statement: the
 * parser's text of a node is a substring of its parent's, so a rewrite replaces one node's text in
 * the statement's text, and the result is parsed again before it reaches the target.
 */
final class AntiPatterns {

  /** An IN list this long is worth one array parameter. */
  static final int HUGE_IN_LIST = 100;
  /** An OFFSET this large reads and throws away that many rows on every page. */
  static final long LARGE_OFFSET = 1000;
  /** SELECT * on a table this wide (columns, or bytes per row from pg_stats) is flagged. */
  static final int WIDE_COLUMNS = 20;
  static final int WIDE_BYTES = 500;

  private static final Set<String> DATE_TYPES = Set.of(
      "timestamp without time zone", "timestamp with time zone");
  private static final Set<String> INTEGER_TYPES = Set.of("integer", "bigint", "smallint");
  private static final Pattern CANONICAL_INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
  private static final Set<String> TEXT_TYPES = Set.of("text", "character varying", "citext");

  private final Catalog catalog;
  private final List<String> searchPath;

  AntiPatterns(Catalog catalog) {
    this.catalog = catalog;
    var path = new ArrayList<String>();
    var sessionPath = catalog.server().searchPath() == null
        ? List.of("public") : catalog.server().searchPath();
    for (String schema : sessionPath) {
      path.add("$user".equals(schema) ? catalog.server().user() : schema);
    }
    this.searchPath = path;
  }

  /** The anti-patterns of {@code sql}, or an empty list when it is not a SELECT we read. */
  List<Rewrite> find(String sql) {
    var found = new ArrayList<Rewrite>();
    if (!singleStatement(sql)) {
      // stacked statements in a log line: advice on the first one would hide the others
      return found;
    }
    List<Function<Select, Rewrite>> detectors = List.of(
        this::notInNullable, this::orAcrossColumns, this::leadingWildcard, this::largeOffset,
        this::correlatedSubquery, this::countForExistence, this::distinctOverJoin,
        this::orderByRandom, this::selectStarWide, this::unionWithoutAll, this::hugeInList);
    for (var detector : detectors) {
      var select = parse(sql);
      if (select == null) {
        return List.of();
      }
      try {
        var rewrite = detector.apply(select);
        if (rewrite != null) {
          found.add(rewrite);
        }
      } catch (RuntimeException | StackOverflowError e) {
        // an unusual tree costs only this detector
      }
    }
    // several predicates may each hide an index: one finding per predicate
    var select = parse(sql);
    if (select != null) {
      try {
        found.addAll(functionOnIndexedColumn(select));
      } catch (RuntimeException | StackOverflowError e) {
        // likewise
      }
    }
    return found;
  }

  private static boolean singleStatement(String sql) {
    try {
      var statements = CCJSqlParserUtil.parseStatements(sql);
      return statements != null && statements.size() == 1;
    } catch (Exception | StackOverflowError e) {
      return false;
    }
  }

  private static Select parse(String sql) {
    try {
      return CCJSqlParserUtil.parse(sql) instanceof Select s ? s : null;
    } catch (Exception | StackOverflowError e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- NOT IN on a nullable column

  private Rewrite notInNullable(Select select) {
    if (!(select instanceof PlainSelect plain) || plain.getWhere() == null) {
      return null;
    }
    var scope = scope(plain);
    for (Expression conjunct : conjuncts(plain.getWhere())) {
      var swallowed = new ArrayList<String>();
      Expression right = conjunct instanceof InExpression in ? in.getRightExpression() : null;
      while (right instanceof AndExpression and) {
        // JSqlParser 5.3 reads "a NOT IN (SELECT ...) AND b = 1" as a NOT IN (... AND b = 1)
        swallowed.add(0, and.getRightExpression().toString());
        right = and.getLeftExpression();
      }
      if (!(conjunct instanceof InExpression in) || !in.isNot()
          || !(right instanceof ParenthesedSelect paren)
          || !(paren.getSelect() instanceof PlainSelect sub) || !simple(sub)
          || sub.getSelectItems().size() != 1
          || !(sub.getSelectItems().get(0).getExpression()
              instanceof net.sf.jsqlparser.schema.Column subCol)
          || !(in.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column outerCol)) {
        continue;
      }
      var subScope = scope(sub);
      var inner = resolve(subCol, subScope);
      var outer = resolve(outerCol, scope);
      if (inner == null || outer == null || inner.column().notNull()) {
        continue;
      }
      if (scope.containsKey(inner.alias())) {
        return null; // the same name inside and out: a rewrite would need new aliases
      }
      String correlation = inner.sql() + " = " + outer.sql();
      String subWhere = sub.getWhere() == null ? "" : "(" + sub.getWhere() + ") AND ";
      sub.setWhere(null);
      String from = sub.getFromItem() + "";
      String replacement = (outer.column().notNull() ? "" : outer.sql() + " IS NOT NULL AND ")
          + "NOT EXISTS (SELECT 1 FROM " + from + " WHERE " + subWhere + correlation + ")"
          + (swallowed.isEmpty() ? "" : " AND " + String.join(" AND ", swallowed));
      String rewritten = replace(select, in, replacement);
      var evidence = new LinkedHashMap<String, Object>();
      evidence.put("column", inner.qualifiedName());
      evidence.put("nullFraction", inner.column().stats() == null ? null
          : inner.column().stats().nullFrac());
      return new Rewrite("query.not-in-nullable", Severity.WARNING,
          "NOT IN (subquery) on nullable " + inner.qualifiedName() + ": use NOT EXISTS",
          rewritten, null, null,
          "NOT IN over a column that may be NULL cannot become an anti-join: PostgreSQL runs"
              + " the subquery as a filter per row (or hashes it only if it fits in work_mem)."
              + " NOT EXISTS is planned as a hash or merge anti-join.",
          "Not equivalent when " + inner.qualifiedName() + " holds a NULL: NOT IN then returns"
              + " no row at all (almost always a bug), NOT EXISTS returns the unmatched rows."
              + (outer.column().notNull() ? "" : " Rows whose " + outer.qualifiedName()
                  + " is NULL are excluded by both (the rewrite says so explicitly)."),
          false, true, evidence);
    }
    return null;
  }

  // ------------------------------------------------------------- OR across different columns

  private Rewrite orAcrossColumns(Select select) {
    if (!(select instanceof PlainSelect plain) || plain.getWhere() == null
        || plain.getDistinct() != null || plain.getGroupBy() != null
        || plain.getOrderByElements() != null || plain.getLimit() != null
        || plain.getOffset() != null || plain.getFetch() != null || !plainItems(plain)) {
      return null;
    }
    var conjuncts = conjuncts(plain.getWhere());
    var scope = scope(plain);
    for (Expression conjunct : conjuncts) {
      var branches = disjuncts(conjunct);
      if (branches.size() < 2) {
        continue;
      }
      var columns = new ArrayList<ResolvedColumn>();
      boolean indexable = true;
      for (Expression branch : branches) {
        var col = comparedColumn(branch, scope);
        if (col == null || !leadingIndexed(col)) {
          indexable = false;
          break;
        }
        columns.add(col);
      }
      if (!indexable || columns.stream().map(ResolvedColumn::qualifiedName).distinct().count()
          < 2) {
        continue;
      }
      String text = select.toString();
      String conjunctText = conjunct.toString();
      var parts = new ArrayList<String>();
      var earlier = new ArrayList<String>();
      for (Expression branch : branches) {
        String branchText = branch.toString();
        String where = earlier.isEmpty() ? branchText
            : branchText + " AND (" + String.join(" OR ", earlier) + ") IS NOT TRUE";
        parts.add(replaceText(text, conjunctText, "(" + where + ")"));
        earlier.add(branchText);
      }
      if (parts.stream().anyMatch(p -> p == null)) {
        return null;
      }
      var evidence = new LinkedHashMap<String, Object>();
      evidence.put("columns", columns.stream().map(ResolvedColumn::qualifiedName).toList());
      return new Rewrite("query.or-to-union", Severity.WARNING,
          "OR across " + String.join(", ", (List<String>) evidence.get("columns"))
              + " defeats their indexes: use UNION ALL",
          String.join(" UNION ALL ", parts), null, null,
          "An OR across columns of different tables (or one the planner cannot combine with a"
              + " BitmapOr) leaves a scan of everything; each UNION ALL branch uses the index on"
              + " its own column.",
          "Equivalent: each later branch excludes the rows of the earlier ones with IS NOT TRUE"
              + " (which also keeps rows where an earlier condition is NULL), so no row appears"
              + " twice. The order of rows may differ, as it may already without ORDER BY.",
          true, true, evidence);
    }
    return null;
  }

  // ------------------------------------------------ functions and casts on an indexed column

  private List<Rewrite> functionOnIndexedColumn(Select select) {
    var out = new ArrayList<Rewrite>();
    if (!(select instanceof PlainSelect plain) || plain.getWhere() == null) {
      return out;
    }
    var scope = scope(plain);
    String text = select.toString();
    for (Expression conjunct : conjuncts(plain.getWhere())) {
      if (!(conjunct instanceof EqualsTo eq)) {
        continue;
      }
      Expression left = eq.getLeftExpression();
      Expression right = eq.getRightExpression();
      if (constant(left) && !constant(right)) {
        Expression t = left;
        left = right;
        right = t;
      }
      if (!constant(right)) {
        continue;
      }
      var rewrite = dateOfTimestamp(text, eq, left, right, scope);
      if (rewrite == null) {
        rewrite = lowerWithoutIndex(left, right, scope);
      }
      if (rewrite == null) {
        rewrite = castOnIntegerColumn(text, eq, left, right, scope);
      }
      if (rewrite != null) {
        out.add(rewrite);
      }
    }
    return out;
  }

  /** {@code date(ts) = X}, {@code ts::date = X}: a half-open range keeps the index on ts. */
  private Rewrite dateOfTimestamp(String text, EqualsTo eq, Expression left, Expression right,
      Map<String, Table> scope) {
    net.sf.jsqlparser.schema.Column c = null;
    if (left instanceof net.sf.jsqlparser.expression.Function f
        && "date".equalsIgnoreCase(f.getName()) && f.getParameters() != null
        && f.getParameters().size() == 1
        && f.getParameters().get(0) instanceof net.sf.jsqlparser.schema.Column col) {
      c = col;
    } else if (left instanceof CastExpression cast
        && cast.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column col
        && "date".equalsIgnoreCase(cast.getColDataType().getDataType())) {
      c = col;
    }
    if (c == null) {
      return null;
    }
    var col = resolve(c, scope);
    if (col == null || !DATE_TYPES.contains(col.column().type()) || !leadingIndexed(col)
        || hasExpressionIndex(col, "date")) {
      return null;
    }
    String day = "CAST(" + right + " AS date)";
    String range = "(" + col.sql() + " >= " + day + " AND " + col.sql() + " < " + day + " + 1)";
    String rewritten = replaceText(text, eq.toString(), range);
    if (rewritten == null) {
      return null;
    }
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("column", col.qualifiedName());
    evidence.put("predicate", eq.toString());
    return new Rewrite("query.function-on-indexed-column", Severity.WARNING,
        "date() of indexed " + col.qualifiedName() + " hides its index: compare a range",
        rewritten, null, null,
        "An index on " + col.qualifiedName() + " orders the column itself, not its date; a"
            + " half-open range on the column is answered by that index.",
        "Equivalent: a day starts at midnight in the session's TimeZone in both forms.",
        true, true, evidence);
  }

  /** {@code lower(email) = X} without an index on lower(email): advise that index. */
  private Rewrite lowerWithoutIndex(Expression left, Expression right, Map<String, Table> scope) {
    if (!(left instanceof net.sf.jsqlparser.expression.Function f)
        || !Set.of("lower", "upper").contains(f.getName().toLowerCase(Locale.ROOT))
        || f.getParameters() == null || f.getParameters().size() != 1
        || !(f.getParameters().get(0) instanceof net.sf.jsqlparser.schema.Column c)) {
      return null;
    }
    var col = resolve(c, scope);
    String fn = f.getName().toLowerCase(Locale.ROOT);
    if (col == null || !TEXT_TYPES.contains(col.column().type())
        || hasExpressionIndex(col, fn)
        || !(leadingIndexed(col) || col.table().rowEstimate() >= 10_000)) {
      return null;
    }
    var key = IndexKey.expression(fn + "(" + Identifiers.quote(col.column().name())
        + ")");
    var def = IndexDefinition.btree(col.table().schema(), col.table().name(), List.of(key));
    var taken = new java.util.HashSet<String>();
    col.table().indexes().forEach(i -> taken.add(i.name()));
    String name = IndexDdl.name(def, taken);
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("column", col.qualifiedName());
    evidence.put("predicate", f + " = " + right);
    evidence.put("tableRows", (long) Math.max(0, col.table().rowEstimate()));
    return new Rewrite("query.function-on-indexed-column", Severity.WARNING,
        fn + "(" + col.qualifiedName() + ") has no expression index", null,
        IndexDdl.create(def, name), IndexDdl.drop(col.table().schema(), name),
        "A plain index on " + col.qualifiedName() + " cannot answer " + fn + "(...) = ...;"
            + " an index on the expression " + fn + "(" + col.column().name()
            + ") can, with the query unchanged.",
        "The index costs space and write time on every insert and update of the column.",
        false, true, evidence);
  }

  /**
   * {@code int_col = 42.0} compares as numeric and {@code int_col::text = '42'} as text: both cast
   * the column on every row, so its index is not used.
   */
  private Rewrite castOnIntegerColumn(String text, EqualsTo eq, Expression left,
      Expression right, Map<String, Table> scope) {
    net.sf.jsqlparser.schema.Column c;
    String literal;
    if (left instanceof net.sf.jsqlparser.schema.Column col && right instanceof DoubleValue d
        && d.getValue() == Math.rint(d.getValue()) && Math.abs(d.getValue()) < 1e15) {
      c = col;
      literal = Long.toString((long) d.getValue());
    } else if (left instanceof CastExpression cast
        && cast.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column col
        && Set.of("text", "varchar").contains(
            cast.getColDataType().getDataType().toLowerCase(Locale.ROOT))
        && right instanceof StringValue s && CANONICAL_INTEGER.matcher(s.getValue()).matches()) {
      c = col;
      literal = s.getValue();
    } else {
      return null;
    }
    var col = resolve(c, scope);
    if (col == null || !INTEGER_TYPES.contains(col.column().type()) || !leadingIndexed(col)) {
      return null;
    }
    String rewritten = replaceText(text, eq.toString(), col.sql() + " = " + literal);
    if (rewritten == null) {
      return null;
    }
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("column", col.qualifiedName());
    evidence.put("predicate", eq.toString());
    return new Rewrite("query.function-on-indexed-column", Severity.WARNING,
        "cast of indexed " + col.qualifiedName() + " (" + col.column().type()
            + ") hides its index: compare an integer",
        rewritten, null, null,
        "Comparing " + col.qualifiedName() + " to " + right + " casts the column on every row"
            + " (to numeric or text), so its index cannot be used; an integer constant keeps"
            + " the comparison on the column's own type.",
        "Equivalent for this constant: it is a whole number written in canonical form.",
        true, true, evidence);
  }

  // ------------------------------------------------------------- leading-wildcard LIKE/ILIKE

  private Rewrite leadingWildcard(Select select) {
    if (!(select instanceof PlainSelect plain) || plain.getWhere() == null) {
      return null;
    }
    var scope = scope(plain);
    for (Expression conjunct : conjuncts(plain.getWhere())) {
      if (!(conjunct instanceof LikeExpression like) || like.isNot()
          || !(like.getRightExpression() instanceof StringValue pattern)
          || !(like.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c)) {
        continue;
      }
      String p = pattern.getValue();
      if (p.isEmpty() || (p.charAt(0) != '%' && p.charAt(0) != '_')) {
        continue;
      }
      var col = resolve(c, scope);
      if (col == null || !TEXT_TYPES.contains(col.column().type()) || trigramIndexed(col)) {
        continue;
      }
      String keyword = like.getLikeKeyWord().toString();
      var key = IndexKey.column(col.column().name(), "gin_trgm_ops");
      var def = new IndexDefinition(col.table().schema(), col.table().name(), "gin",
          List.of(key), List.of(), null);
      var taken = new java.util.HashSet<String>();
      col.table().indexes().forEach(i -> taken.add(i.name()));
      String name = IndexDdl.name(def, taken);
      String ddl = (catalog.hasExtension("pg_trgm") ? ""
          : "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n") + IndexDdl.create(def, name);
      var evidence = new LinkedHashMap<String, Object>();
      evidence.put("column", col.qualifiedName());
      evidence.put("predicate", like.toString());
      evidence.put("tableRows", (long) Math.max(0, col.table().rowEstimate()));
      evidence.put("pg_trgm", catalog.hasExtension("pg_trgm") ? "installed" : "not installed");
      return new Rewrite("query.leading-wildcard", Severity.WARNING,
          keyword + " with a leading wildcard on " + col.qualifiedName()
              + " reads the whole table",
          null, ddl, IndexDdl.drop(col.table().schema(), name),
          "A btree index serves only prefixes; a pattern starting with % or _ needs a trigram"
              + " (pg_trgm GIN) index, which serves " + keyword + " with the query unchanged."
              + " For word search, full-text search (tsvector and a GIN index) is better still.",
          "A GIN index is large and slows writes to the column; patterns shorter than three"
              + " characters still read every row.",
          false, true, evidence);
    }
    return null;
  }

  // ------------------------------------------------------------------------- large OFFSET

  private Rewrite largeOffset(Select select) {
    if (!(select instanceof PlainSelect plain)) {
      return null;
    }
    Expression offsetExpr = plain.getOffset() != null ? plain.getOffset().getOffset()
        : plain.getLimit() != null ? plain.getLimit().getOffset() : null;
    if (!(offsetExpr instanceof LongValue offset) || offset.getValue() < LARGE_OFFSET) {
      return null;
    }
    var scope = scope(plain);
    String rewritten = null;
    var order = plain.getOrderByElements();
    if (order != null && order.size() == 1
        && order.get(0).getExpression() instanceof net.sf.jsqlparser.schema.Column c) {
      var col = resolve(c, scope);
      if (col != null && uniqueKey(col)) {
        String bound = col.sql() + (order.get(0).isAsc() ? " > " : " < ") + "$1";
        String where = plain.getWhere() == null ? bound
            : "(" + plain.getWhere() + ") AND " + bound;
        plain.setWhere(parseCondition(where));
        if (plain.getOffset() != null) {
          plain.setOffset(null);
        } else {
          plain.getLimit().setOffset(null);
        }
        rewritten = plain.toString();
      }
    }
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("offset", offset.getValue());
    return new Rewrite("query.large-offset", Severity.WARNING,
        "OFFSET " + offset.getValue() + " reads and discards that many rows per page",
        rewritten, null, null,
        "OFFSET n still produces the first n rows and throws them away, so page k costs k"
            + " pages. Keyset pagination (WHERE key > last key seen, $1 in the rewrite) starts"
            + " each page where the previous one ended, through the index.",
        "The application must pass the last key of the previous page instead of a page number;"
            + " pages no longer shift when rows are inserted before them."
            + (rewritten == null ? " No rewrite: ORDER BY is not one unique column." : ""),
        false, false, evidence);
  }

  // -------------------------------------------------- correlated subquery in the SELECT list

  private Rewrite correlatedSubquery(Select select) {
    if (!(select instanceof PlainSelect plain) || plain.getGroupBy() != null
        || plain.getFromItem() == null) {
      return null;
    }
    var scope = scope(plain);
    if (scope.isEmpty()) {
      return null;
    }
    for (SelectItem<?> item : plain.getSelectItems()) {
      if (!(item.getExpression() instanceof ParenthesedSelect paren)
          || !(paren.getSelect() instanceof PlainSelect sub) || !simple(sub)
          || sub.getSelectItems().size() != 1 || !(sub.getWhere() instanceof EqualsTo eq)) {
        continue;
      }
      var subScope = scope(sub);
      if (subScope.size() != 1) {
        continue;
      }
      String subAlias = subScope.keySet().iterator().next();
      var sides = correlation(eq, subScope, scope);
      if (sides == null) {
        continue;
      }
      var inner = sides[0];
      var outer = sides[1];
      Expression value = sub.getSelectItems().get(0).getExpression();
      String alias = scope.containsKey(subAlias) ? "pgdba_sub" : subAlias;
      if (scope.containsKey(alias)) {
        continue;
      }
      String table = Identifiers.qualified(inner.table().schema(), inner.table().name());
      String join;
      String newItem;
      String kind;
      if (countStar(value)) {
        join = "LEFT JOIN (SELECT " + inner.columnSql() + ", count(*) AS n FROM " + table
            + " GROUP BY " + inner.columnSql() + ") AS " + alias + " ON " + alias + "."
            + inner.columnSql() + " = " + outer.sql();
        newItem = "coalesce(" + alias + ".n, 0)";
        kind = "an aggregate per row";
      } else if (value instanceof net.sf.jsqlparser.schema.Column v && uniqueKey(inner)
          && resolve(v, subScope) != null) {
        var valueCol = resolve(v, subScope);
        join = "LEFT JOIN " + table + " AS " + alias + " ON " + alias + "."
            + inner.columnSql() + " = " + outer.sql();
        newItem = alias + "." + valueCol.columnSql();
        kind = "a lookup by unique key per row";
      } else {
        continue;
      }
      String itemAlias = item.getAlias() != null ? item.getAlias().toString()
          : " AS " + (value instanceof net.sf.jsqlparser.schema.Column v
              ? Identifiers.quote(unquote(v.getColumnName())) : "count");
      String itemText = item.toString();
      String text = select.toString();
      String fromText = fromAndJoins(plain);
      String withItem = replaceText(text, itemText, newItem + itemAlias);
      String rewritten = withItem == null ? null : replaceText(withItem, fromText,
          fromText + " " + join);
      if (rewritten == null) {
        continue;
      }
      var evidence = new LinkedHashMap<String, Object>();
      evidence.put("subquery", paren.toString());
      return new Rewrite("query.correlated-subquery", Severity.WARNING,
          "correlated subquery in the SELECT list runs once per row: join instead",
          rewritten, null, null,
          "The subquery is " + kind + " of the outer query; as a LEFT JOIN it becomes one"
              + " hash or merge join over both tables.",
          "Equivalent: the join is LEFT (rows without a match keep NULL"
              + (newItem.startsWith("coalesce") ? ", the count 0" : "") + ") and "
              + (newItem.startsWith("coalesce") ? "the grouped subquery has one row per key."
                  : inner.qualifiedName() + " is unique, so no row is duplicated."),
          true, true, evidence);
    }
    return null;
  }

  // ------------------------------------------------------------- count(*) to test existence

  private Rewrite countForExistence(Select select) {
    if (!(select instanceof PlainSelect plain)) {
      return null;
    }
    var candidates = new ArrayList<Expression>();
    if (plain.getWhere() != null) {
      candidates.addAll(conjuncts(plain.getWhere()));
    }
    plain.getSelectItems().forEach(i -> candidates.add(i.getExpression()));
    String text = select.toString();
    for (Expression e : candidates) {
      if (!(e instanceof ComparisonOperator cmp)) {
        continue;
      }
      Boolean exists = existenceTest(cmp);
      if (exists == null) {
        continue;
      }
      String cmpText = cmp.toString();
      String replacement;
      Expression counted = constant(cmp.getLeftExpression()) ? cmp.getRightExpression()
          : cmp.getLeftExpression();
      if (counted instanceof ParenthesedSelect paren
          && paren.getSelect() instanceof PlainSelect sub && countStar(sub)) {
        sub.setSelectItems(new ArrayList<>(List.of(new SelectItem<>(new LongValue(1)))));
        replacement = (exists ? "" : "NOT ") + "EXISTS (" + sub + ")";
      } else if (countStar(counted) && plain.getSelectItems().size() == 1
          && plain.getSelectItems().get(0).getExpression() == e && plain.getGroupBy() == null
          && plain.getHaving() == null && plain.getLimit() == null && plain.getOffset() == null
          && plain.getDistinct() == null) {
        var alias = plain.getSelectItems().get(0).getAlias();
        plain.setSelectItems(new ArrayList<>(List.of(new SelectItem<>(new LongValue(1)))));
        String inner = plain.toString();
        replacement = null;
        text = "SELECT " + (exists ? "" : "NOT ") + "EXISTS (" + inner + ")"
            + (alias == null ? "" : alias.toString());
      } else {
        continue;
      }
      String rewritten = replacement == null ? text : replaceText(text, cmpText, replacement);
      if (rewritten == null) {
        continue;
      }
      var evidence = new LinkedHashMap<String, Object>();
      evidence.put("predicate", cmpText);
      return new Rewrite("query.count-for-existence", Severity.WARNING,
          "count(*) compared with 0 tests existence: use EXISTS",
          rewritten, null, null,
          "count(*) reads every matching row to count them; EXISTS stops at the first one.",
          "Equivalent: count(*) of no row is 0, never NULL.",
          false, true, evidence);
    }
    return null;
  }

  /** True for count > 0, count >= 1, count <> 0; false for count = 0; null otherwise. */
  private static Boolean existenceTest(ComparisonOperator cmp) {
    boolean constantLeft = constant(cmp.getLeftExpression());
    Expression k = constantLeft ? cmp.getLeftExpression() : cmp.getRightExpression();
    if (!(k instanceof LongValue v)) {
      return null;
    }
    long n = v.getValue();
    String op = cmp.getStringExpression();
    if (constantLeft) {
      op = switch (op) {
        case "<" -> ">";
        case "<=" -> ">=";
        default -> op;
      };
    }
    if ((op.equals(">") && n == 0) || (op.equals(">=") && n == 1)
        || ((op.equals("<>") || op.equals("!=")) && n == 0)) {
      return true;
    }
    return op.equals("=") && n == 0 ? false : null;
  }

  private static boolean countStar(PlainSelect sub) {
    return sub.getSelectItems().size() == 1
        && countStar(sub.getSelectItems().get(0).getExpression())
        && sub.getGroupBy() == null && sub.getHaving() == null && sub.getLimit() == null
        && sub.getOffset() == null && sub.getDistinct() == null;
  }

  /** {@code count(*)}, however the parser marks the star. */
  private static boolean countStar(Expression e) {
    return e instanceof net.sf.jsqlparser.expression.Function f
        && "count".equalsIgnoreCase(f.getName()) && !f.isDistinct()
        && (f.isAllColumns() || (f.getParameters() != null && f.getParameters().size() == 1
            && f.getParameters().get(0) instanceof AllColumns));
  }

  // ------------------------------------------------------- SELECT DISTINCT over a join

  private Rewrite distinctOverJoin(Select select) {
    if (!(select instanceof PlainSelect plain) || plain.getDistinct() == null
        || plain.getDistinct().getOnSelectItems() != null || plain.getGroupBy() != null
        || plain.getJoins() == null || plain.getJoins().size() != 1
        || !(plain.getFromItem() instanceof net.sf.jsqlparser.schema.Table)) {
      return null;
    }
    Join join = plain.getJoins().get(0);
    if (join.isLeft() || join.isRight() || join.isFull() || join.isCross() || join.isNatural()
        || join.isSimple() || join.getOnExpressions() == null
        || join.getOnExpressions().size() != 1
        || !(join.getRightItem() instanceof net.sf.jsqlparser.schema.Table)) {
      return null;
    }
    var scope = scope(plain);
    if (scope.size() != 2) {
      return null;
    }
    String keep = aliasOf((net.sf.jsqlparser.schema.Table) plain.getFromItem());
    String drop = aliasOf((net.sf.jsqlparser.schema.Table) join.getRightItem());
    Table kept = scope.get(keep);
    var pk = primaryKey(kept);
    if (pk.isEmpty()) {
      return null;
    }
    var selected = new java.util.HashSet<String>();
    for (SelectItem<?> item : plain.getSelectItems()) {
      if (item.getExpression() instanceof AllTableColumns all
          && keep.equals(aliasOf(all.getTable()))) {
        kept.columns().forEach(c -> selected.add(c.name()));
      } else if (item.getExpression() instanceof net.sf.jsqlparser.schema.Column c
          && c.getTable() != null && keep.equals(aliasOf(c.getTable()))) {
        selected.add(unquote(c.getColumnName()));
      } else {
        return null;
      }
    }
    if (!selected.containsAll(pk.get().columns())) {
      return null;
    }
    if (plain.getOrderByElements() != null) {
      for (var o : plain.getOrderByElements()) {
        if (!qualifiersOf(o.getExpression()).equals(Set.of(keep))) {
          return null;
        }
      }
    }
    var outerConds = new ArrayList<String>();
    var innerConds = new ArrayList<String>();
    innerConds.add(join.getOnExpressions().iterator().next().toString());
    if (plain.getWhere() != null) {
      for (Expression c : conjuncts(plain.getWhere())) {
        var q = qualifiersOf(c);
        if (q == null) {
          return null;
        }
        (q.contains(drop) ? innerConds : outerConds).add(c.toString());
      }
    }
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("joinedTable", scope.get(drop).schema() + "." + scope.get(drop).name());
    String exists = "EXISTS (SELECT 1 FROM " + join.getRightItem() + " WHERE "
        + String.join(" AND ", innerConds) + ")";
    outerConds.add(exists);
    plain.setDistinct(null);
    plain.setJoins(null);
    plain.setWhere(parseCondition(String.join(" AND ", outerConds)));
    return new Rewrite("query.distinct-over-join", Severity.WARNING,
        "SELECT DISTINCT removes the duplicates a join to " + evidence.get("joinedTable")
            + " makes: use EXISTS",
        plain.toString(), null, null,
        "The join makes one row per match and DISTINCT sorts or hashes them all to remove the"
            + " copies; EXISTS (a semi-join) never makes the copies.",
        "Equivalent: the selected columns include the primary key of " + kept.name()
            + ", so its rows are distinct already.",
        true, true, evidence);
  }

  // ------------------------------------------------------------------- ORDER BY random()

  private Rewrite orderByRandom(Select select) {
    if (!(select instanceof PlainSelect plain) || plain.getOrderByElements() == null) {
      return null;
    }
    for (var o : plain.getOrderByElements()) {
      if (o.getExpression() instanceof net.sf.jsqlparser.expression.Function f
          && "random".equalsIgnoreCase(f.getName())) {
        var scope = scope(plain);
        var evidence = new LinkedHashMap<String, Object>();
        scope.values().stream().findFirst().ifPresent(t -> evidence.put("tableRows",
            (long) Math.max(0, t.rowEstimate())));
        return new Rewrite("query.order-by-random", Severity.WARNING,
            "ORDER BY random() reads and sorts every row to pick a few",
            null, null, null,
            "random() is computed for every row and all of them are sorted, however small the"
                + " LIMIT. TABLESAMPLE SYSTEM (p) or BERNOULLI (p) reads only a fraction of the"
                + " table; picking random keys between min and max of an indexed key reads a"
                + " few rows through the index.",
            "Not equivalent: TABLESAMPLE returns about p percent of the rows (not exactly n, and"
                + " SYSTEM picks whole pages); random keys favour rows after gaps in the keys.",
            false, false, evidence);
      }
    }
    return null;
  }

  // ----------------------------------------------------------------- SELECT * on a wide table

  private Rewrite selectStarWide(Select select) {
    if (!(select instanceof PlainSelect plain) || plain.getSelectItems().size() != 1
        || !(plain.getSelectItems().get(0).getExpression() instanceof AllColumns all)
        || all instanceof AllTableColumns || plain.getJoins() != null) {
      return null;
    }
    var scope = scope(plain);
    if (scope.size() != 1) {
      return null;
    }
    Table t = scope.values().iterator().next();
    int width = 0;
    for (Column c : t.columns()) {
      width += c.stats() == null ? 0 : c.stats().avgWidth();
    }
    if (t.columns().size() < WIDE_COLUMNS && width < WIDE_BYTES) {
      return null;
    }
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("table", t.schema() + "." + t.name());
    evidence.put("columns", t.columns().size());
    evidence.put("rowWidthBytes", width);
    return new Rewrite("query.select-star-wide", Severity.INFO,
        "SELECT * on " + t.name() + " (" + t.columns().size() + " columns, about " + width
            + " bytes a row)",
        null, null, null,
        "Every column is read, de-TOASTed and sent even when the application uses a few;"
            + " listing the columns used sends less and lets a covering index answer"
            + " (index-only scan).",
        "Only the application knows which columns it uses; a new column added to the table"
            + " no longer appears in the result.",
        false, false, evidence);
  }

  // ------------------------------------------------ UNION where UNION ALL gives the same rows

  private Rewrite unionWithoutAll(Select select) {
    if (!(select instanceof SetOperationList set) || set.getOperations().isEmpty()) {
      return null;
    }
    for (var op : set.getOperations()) {
      if (!(op instanceof UnionOp u) || u.isAll()) {
        return null;
      }
    }
    String discriminator = null;
    var values = new java.util.HashSet<String>();
    Table table = null;
    for (Select s : set.getSelects()) {
      if (!(s instanceof PlainSelect plain) || !simple(plain) || plain.getWhere() == null) {
        return null;
      }
      var scope = scope(plain);
      if (scope.size() != 1 || (table != null && scope.values().iterator().next() != table)) {
        return null;
      }
      table = scope.values().iterator().next();
      if (!selectsPrimaryKey(plain, table)) {
        return null;
      }
      String found = null;
      for (Expression c : conjuncts(plain.getWhere())) {
        if (c instanceof EqualsTo eq
            && eq.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column col
            && (eq.getRightExpression() instanceof StringValue
                || eq.getRightExpression() instanceof LongValue)) {
          var r = resolve(col, scope);
          if (r != null && (discriminator == null || discriminator.equals(r.column().name()))
              && values.add(eq.getRightExpression().toString())) {
            found = r.column().name();
            break;
          }
        }
      }
      if (found == null) {
        return null;
      }
      discriminator = found;
    }
    for (var op : set.getOperations()) {
      ((UnionOp) op).setAll(true);
    }
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("branches", set.getSelects().size());
    evidence.put("disjointOn", table.name() + "." + discriminator);
    return new Rewrite("query.union-without-all", Severity.INFO,
        "UNION removes duplicates that cannot exist: use UNION ALL",
        set.toString(), null, null,
        "UNION sorts or hashes the whole result to remove duplicates; the branches select the"
            + " primary key of " + table.name() + " under different values of " + discriminator
            + ", so there are none and UNION ALL just appends them.",
        "Equivalent: each branch has distinct rows (primary key) and no row can satisfy two"
            + " branches. Row order may differ, as it may already without ORDER BY.",
        false, true, evidence);
  }

  // ------------------------------------------------------------------------ huge IN lists

  private Rewrite hugeInList(Select select) {
    if (!(select instanceof PlainSelect plain) || plain.getWhere() == null) {
      return null;
    }
    for (Expression conjunct : conjuncts(plain.getWhere())) {
      if (!(conjunct instanceof InExpression in)) {
        continue;
      }
      Expression right = in.getRightExpression();
      var swallowed = new ArrayList<String>();
      while (right instanceof AndExpression and) {
        swallowed.add(0, and.getRightExpression().toString());
        right = and.getLeftExpression();
      }
      if (!(right instanceof ExpressionList<?> list) || list.size() < HUGE_IN_LIST) {
        continue;
      }
      String replacement = in.getLeftExpression() + (in.isNot() ? " <> ALL ($1)" : " = ANY ($1)")
          + (swallowed.isEmpty() ? "" : " AND " + String.join(" AND ", swallowed));
      String rewritten = replaceText(select.toString(), in.toString(), replacement);
      var evidence = new LinkedHashMap<String, Object>();
      evidence.put("listLength", list.size());
      return new Rewrite("query.huge-in-list", Severity.INFO,
          "IN list of " + list.size() + " values: pass one array parameter",
          rewritten, null, null,
          "Each distinct list length is a different statement to parse and plan (and a"
              + " different pg_stat_statements entry); = ANY ($1) with one array parameter is"
              + " one prepared statement, planned once, whatever the number of values.",
          "Equivalent for non-NULL values; bind $1 as an array of the column's type.",
          false, false, evidence);
    }
    return null;
  }

  // ------------------------------------------------------------------------------ helpers

  /** A column of a catalog table, with the name it is reached by in the query. */
  record ResolvedColumn(String alias, Table table, Column column) {
    String sql() {
      return Identifiers.quote(alias) + "." + columnSql();
    }

    String columnSql() {
      return Identifiers.quote(column.name());
    }

    String qualifiedName() {
      return table.name() + "." + column.name();
    }
  }

  /** Catalog tables of a SELECT level by alias (or name); other FROM items are left out. */
  private Map<String, Table> scope(PlainSelect plain) {
    var scope = new LinkedHashMap<String, Table>();
    addTable(plain.getFromItem(), scope);
    if (plain.getJoins() != null) {
      plain.getJoins().forEach(j -> addTable(j.getRightItem(), scope));
    }
    return scope;
  }

  private void addTable(Object item, Map<String, Table> scope) {
    if (item instanceof net.sf.jsqlparser.schema.Table t) {
      Table table = resolveTable(t);
      if (table != null) {
        scope.put(aliasOf(t), table);
      }
    }
  }

  private static String aliasOf(net.sf.jsqlparser.schema.Table t) {
    return t.getAlias() != null ? unquote(t.getAlias().getName()) : unquote(t.getName());
  }

  private Table resolveTable(net.sf.jsqlparser.schema.Table t) {
    String name = unquote(t.getName());
    if (t.getSchemaName() != null) {
      return catalog.table(unquote(t.getSchemaName()), name).orElse(null);
    }
    for (String s : searchPath) {
      var found = catalog.table(s, name);
      if (found.isPresent()) {
        return found.get();
      }
    }
    return null;
  }

  private static ResolvedColumn resolve(net.sf.jsqlparser.schema.Column c,
      Map<String, Table> scope) {
    String name = unquote(c.getColumnName());
    if (c.getTable() != null && c.getTable().getName() != null) {
      String alias = unquote(c.getTable().getName());
      Table t = scope.get(alias);
      return t == null ? null : t.column(name).map(col -> new ResolvedColumn(alias, t, col))
          .orElse(null);
    }
    ResolvedColumn found = null;
    for (var e : scope.entrySet()) {
      var col = e.getValue().column(name);
      if (col.isPresent()) {
        if (found != null) {
          return null;
        }
        found = new ResolvedColumn(e.getKey(), e.getValue(), col.get());
      }
    }
    return found;
  }

  /** {inner, outer} when {@code eq} ties a column of the subquery to one of the outer query. */
  private static ResolvedColumn[] correlation(EqualsTo eq, Map<String, Table> inner,
      Map<String, Table> outer) {
    if (!(eq.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column a)
        || !(eq.getRightExpression() instanceof net.sf.jsqlparser.schema.Column b)) {
      return null;
    }
    for (var pair : List.of(List.of(a, b), List.of(b, a))) {
      var in = resolve(pair.get(0), inner);
      var outCol = pair.get(1);
      if (in == null || outCol.getTable() == null || outCol.getTable().getName() == null
          || inner.containsKey(unquote(outCol.getTable().getName()))) {
        continue;
      }
      var out = resolve(outCol, outer);
      if (out != null) {
        return new ResolvedColumn[] {in, out};
      }
    }
    return null;
  }

  /** One table, no DISTINCT, grouping, limit or set operation: a subquery we can move. */
  private static boolean simple(PlainSelect sub) {
    return sub.getFromItem() instanceof net.sf.jsqlparser.schema.Table && sub.getJoins() == null
        && sub.getGroupBy() == null && sub.getHaving() == null && sub.getDistinct() == null
        && sub.getLimit() == null && sub.getOffset() == null && sub.getFetch() == null
        && sub.getWithItemsList() == null;
  }

  /** Columns and * only: no aggregate or window function that a UNION ALL split would break. */
  private static boolean plainItems(PlainSelect plain) {
    for (SelectItem<?> item : plain.getSelectItems()) {
      var e = item.getExpression();
      if (!(e instanceof net.sf.jsqlparser.schema.Column) && !(e instanceof AllColumns)) {
        return false;
      }
    }
    return true;
  }

  private boolean selectsPrimaryKey(PlainSelect plain, Table table) {
    var pk = primaryKey(table);
    if (pk.isEmpty()) {
      return false;
    }
    var selected = new java.util.HashSet<String>();
    for (SelectItem<?> item : plain.getSelectItems()) {
      if (item.getExpression() instanceof AllColumns) {
        return true;
      }
      if (item.getExpression() instanceof net.sf.jsqlparser.schema.Column c) {
        selected.add(unquote(c.getColumnName()));
      }
    }
    return selected.containsAll(pk.get().columns());
  }

  /** The column compared with a constant in {@code e} (=, <, IN list, BETWEEN, LIKE...). */
  private static ResolvedColumn comparedColumn(Expression e, Map<String, Table> scope) {
    while (e instanceof Parenthesis p) {
      e = p.getExpression();
    }
    Expression left = null;
    if (e instanceof ComparisonOperator cmp && !(cmp instanceof NotEqualsTo)) {
      if (constant(cmp.getRightExpression())) {
        left = cmp.getLeftExpression();
      } else if (constant(cmp.getLeftExpression())) {
        left = cmp.getRightExpression();
      }
    } else if (e instanceof InExpression in && !in.isNot()
        && in.getRightExpression() instanceof ExpressionList<?> list
        && list.stream().allMatch(x -> constant((Expression) x))) {
      left = in.getLeftExpression();
    } else if (e instanceof Between b && !b.isNot()) {
      left = b.getLeftExpression();
    }
    return left instanceof net.sf.jsqlparser.schema.Column c ? resolve(c, scope) : null;
  }

  private static java.util.Optional<Constraint> primaryKey(Table t) {
    return t.constraints().stream().filter(c -> c.kind() == Constraint.Kind.PRIMARY_KEY)
        .findFirst();
  }

  private static boolean leadingIndexed(ResolvedColumn col) {
    for (Index i : col.table().indexes()) {
      if (i.valid() && i.predicate() == null && "btree".equals(i.method())
          && !i.keys().isEmpty() && !i.expressionKeys().get(0)
          && i.keys().get(0).equals(col.column().name())) {
        return true;
      }
    }
    return false;
  }

  private static boolean uniqueKey(ResolvedColumn col) {
    for (Index i : col.table().indexes()) {
      if (i.valid() && i.unique() && i.predicate() == null && i.keys().size() == 1
          && !i.expressionKeys().get(0) && i.keys().get(0).equals(col.column().name())) {
        return true;
      }
    }
    return false;
  }

  /** An index whose first key is {@code fn(column)} in any of the forms pg_get_indexdef prints. */
  private static boolean hasExpressionIndex(ResolvedColumn col, String fn) {
    String name = col.column().name();
    for (Index i : col.table().indexes()) {
      if (!i.valid() || i.keys().isEmpty() || !i.expressionKeys().get(0)) {
        continue;
      }
      String key = i.keys().get(0).replace("\"", "").replace(" ", "").toLowerCase(Locale.ROOT);
      if (key.startsWith(fn + "(" + name) || key.startsWith("(" + name + ")::" + fn)
          || key.startsWith(fn + "((" + name + ")")) {
        return true;
      }
    }
    return false;
  }

  private static boolean trigramIndexed(ResolvedColumn col) {
    for (Index i : col.table().indexes()) {
      for (int k = 0; k < i.keys().size(); k++) {
        String opclass = i.opclasses() == null ? null : i.opclasses().get(k);
        if (i.valid() && i.keys().get(k).equals(col.column().name()) && opclass != null
            && opclass.contains("trgm")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Top-level AND operands, parentheses removed. */
  static List<Expression> conjuncts(Expression e) {
    var out = new ArrayList<Expression>();
    conjuncts(e, out);
    return out;
  }

  private static void conjuncts(Expression e, List<Expression> out) {
    if (e instanceof AndExpression and) {
      conjuncts(and.getLeftExpression(), out);
      conjuncts(and.getRightExpression(), out);
    } else if (e instanceof Parenthesis p) {
      conjuncts(p.getExpression(), out);
    } else if (e instanceof ExpressionList<?> list && list.size() == 1
        && !(e instanceof net.sf.jsqlparser.statement.select.ParenthesedSelect)) {
      var inner = list.get(0);
      if (inner instanceof AndExpression || inner instanceof Parenthesis) {
        conjuncts((Expression) inner, out);
      } else {
        out.add(e);
      }
    } else {
      out.add(e);
    }
  }

  private static List<Expression> disjuncts(Expression e) {
    var out = new ArrayList<Expression>();
    disjuncts(e, out);
    return out;
  }

  private static void disjuncts(Expression e, List<Expression> out) {
    if (e instanceof OrExpression or) {
      disjuncts(or.getLeftExpression(), out);
      disjuncts(or.getRightExpression(), out);
    } else if (e instanceof Parenthesis p) {
      disjuncts(p.getExpression(), out);
    } else if (e instanceof ExpressionList<?> list && list.size() == 1
        && list.get(0) instanceof OrExpression or) {
      disjuncts(or, out);
    } else {
      out.add(e);
    }
  }

  /**
   * The table qualifiers of every column in {@code e}; null when a column is unqualified or the
   * expression holds something this walk does not know (a subquery, a function of many forms).
   */
  private static Set<String> qualifiersOf(Expression e) {
    var out = new java.util.HashSet<String>();
    return qualifiers(e, out) ? out : null;
  }

  private static boolean qualifiers(Expression e, Set<String> out) {
    if (e instanceof net.sf.jsqlparser.schema.Column c) {
      if (c.getTable() == null || c.getTable().getName() == null) {
        return false;
      }
      out.add(unquote(c.getTable().getName()));
      return true;
    }
    if (constant(e)) {
      return true;
    }
    if (e instanceof net.sf.jsqlparser.expression.BinaryExpression b) {
      return qualifiers(b.getLeftExpression(), out) && qualifiers(b.getRightExpression(), out);
    }
    if (e instanceof Parenthesis p) {
      return qualifiers(p.getExpression(), out);
    }
    if (e instanceof NotExpression n) {
      return qualifiers(n.getExpression(), out);
    }
    if (e instanceof IsNullExpression n) {
      return qualifiers(n.getLeftExpression(), out);
    }
    if (e instanceof Between b) {
      return qualifiers(b.getLeftExpression(), out)
          && qualifiers(b.getBetweenExpressionStart(), out)
          && qualifiers(b.getBetweenExpressionEnd(), out);
    }
    if (e instanceof InExpression in && in.getRightExpression() instanceof ExpressionList<?> l
        && !(in.getRightExpression() instanceof ParenthesedSelect)) {
      if (!qualifiers(in.getLeftExpression(), out)) {
        return false;
      }
      for (Object x : l) {
        if (!qualifiers((Expression) x, out)) {
          return false;
        }
      }
      return true;
    }
    if (e instanceof ExpressionList<?> l && !(e instanceof ParenthesedSelect)) {
      for (Object x : l) {
        if (!qualifiers((Expression) x, out)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  static boolean constant(Expression e) {
    return e instanceof LongValue || e instanceof DoubleValue || e instanceof StringValue
        || e instanceof DateValue || e instanceof TimestampValue || e instanceof NullValue
        || (e instanceof SignedExpression s && constant(s.getExpression()))
        || (e instanceof CastExpression c && constant(c.getLeftExpression()));
  }

  private static String fromAndJoins(PlainSelect plain) {
    var sb = new StringBuilder(plain.getFromItem().toString());
    if (plain.getJoins() != null) {
      for (Join j : plain.getJoins()) {
        sb.append(j.isSimple() ? ", " : " ").append(j);
      }
    }
    return sb.toString();
  }

  private static Expression parseCondition(String sql) {
    try {
      return CCJSqlParserUtil.parseCondExpression(sql);
    } catch (Exception e) {
      throw new IllegalStateException("unparseable rewrite");
    }
  }

  private static String replace(Select select, Object node, String replacement) {
    return replaceText(select.toString(), node.toString(), replacement);
  }

  /** {@code text} with its only occurrence of {@code part} replaced; null when not once. */
  static String replaceText(String text, String part, String replacement) {
    int at = text.indexOf(part);
    if (at < 0 || text.indexOf(part, at + 1) >= 0) {
      return null;
    }
    return text.substring(0, at) + replacement + text.substring(at + part.length());
  }

  static String unquote(String name) {
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      return name.substring(1, name.length() - 1).replace("\"\"", "\"");
    }
    return name.toLowerCase(Locale.ROOT);
  }
}
