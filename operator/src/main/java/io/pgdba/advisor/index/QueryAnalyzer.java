package io.pgdba.advisor.index;

import io.pgdba.advisor.index.AnalyzedQuery.Op;
import io.pgdba.advisor.index.AnalyzedQuery.Predicate;
import io.pgdba.advisor.index.AnalyzedQuery.TableAccess;
import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Table;
import io.pgdba.workload.MaterializedHints;
import io.pgdba.workload.QuotedNames;
import io.pgdba.workload.QueryStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.CollateExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.DoubleAnd;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.JsonOperator;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.Matches;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Reads a query with JSqlParser and resolves what it restricts on which table: aliases, schemas
 * through the session's search_path, sub-selects, CTEs and joins. A query it cannot analyze
 * yields a stated reason, never an exception.
 */
final class QueryAnalyzer {

  private static final Set<String> SYSTEM_SCHEMAS =
      Set.of("pg_catalog", "information_schema", "pg_toast");

  private final Catalog catalog;
  private final List<String> searchPath;
  // The quoted names of the statement being analyzed, hidden from JSqlParser (see name()).
  private QuotedNames.Masked names = QuotedNames.mask("");
  private final Map<String, String> views;
  private final Map<String, Boolean> simpleViews = new HashMap<>();

  QueryAnalyzer(Catalog catalog) {
    this(catalog, Map.of());
  }

  /** @param views view definitions (pg_get_viewdef) by schema + "." + name, to see through */
  QueryAnalyzer(Catalog catalog, Map<String, String> views) {
    this.catalog = catalog;
    this.views = views;
    var path = new ArrayList<String>();
    var sessionPath = catalog.server().searchPath() == null
        ? List.of("public") : catalog.server().searchPath();
    for (String schema : sessionPath) {
      path.add("$user".equals(schema) ? catalog.server().user() : schema);
    }
    this.searchPath = path;
  }

  /** The analysis, or the reason it failed. */
  sealed interface Result permits Analyzed, Skipped {}

  record Analyzed(AnalyzedQuery query) implements Result {}

  record Skipped(String reason) implements Result {}

  /** Thrown inside the analysis to skip a query with a reason (never escapes this class). */
  private static final class SkipException extends RuntimeException {
    SkipException(String reason) {
      super(reason, null, false, false);
    }
  }

  Result analyze(QueryStats stats) {
    String sql = stats.example() != null && !stats.example().isBlank()
        ? stats.example() : stats.query();
    if (sql == null || sql.isBlank()) {
      return new Skipped("no query text");
    }
    sql = withRowCount(sql);
    Statement statement;
    try {
      names = QuotedNames.mask(parsable(sql));
      statement = CCJSqlParserUtil.parse(names.text());
    } catch (Exception | StackOverflowError e) {
      return new Skipped("SQL parser does not understand this statement: " + firstLine(e)
          + position(e));
    }
    try {
      return new Analyzed(analyze(stats, sql, statement));
    } catch (SkipException e) {
      return new Skipped(e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      // Unknown syntax trees must never stop the analysis of the other queries.
      return new Skipped("could not analyze the statement: " + firstLine(e));
    }
  }

  private AnalyzedQuery analyze(QueryStats stats, String sql, Statement statement) {
    var ctx = new Context(materializedCtes(sql));
    Table writeTarget = null;
    if (statement instanceof Select select) {
      ctx.select(select, null);
    } else if (statement instanceof Update update) {
      writeTarget = ctx.dml(update.getTable(), update.getFromItem(), update.getJoins(),
          update.getWhere());
    } else if (statement instanceof Delete delete) {
      writeTarget = ctx.dml(delete.getTable(), null, delete.getJoins(), delete.getWhere());
    } else if (statement instanceof Insert insert) {
      Table target = resolveTable(insert.getTable());
      throw new SkipException("INSERT has no predicate an index could serve"
          + (target == null ? "" : " (counted as a write on " + target.name() + ")"));
    } else {
      throw new SkipException(
          "not a SELECT, UPDATE or DELETE: " + statement.getClass().getSimpleName());
    }
    var accesses = ctx.accesses.stream().map(AccessBuilder::build).toList();
    if (accesses.isEmpty()) {
      throw new SkipException("reads no table of the catalog");
    }
    return new AnalyzedQuery(stats, sql, accesses, writeTarget);
  }

  /** The table an INSERT writes, for write-overhead accounting; null when unknown. */
  Table insertTarget(QueryStats stats) {
    String sql = stats.example() != null ? stats.example() : stats.query();
    try {
      names = QuotedNames.mask(sql);
      if (CCJSqlParserUtil.parse(names.text()) instanceof Insert insert) {
        return resolveTable(insert.getTable());
      }
    } catch (Exception | StackOverflowError e) {
      return null;
    }
    return null;
  }

  /** The catalog table a name refers to, null when not a table of the catalog. */
  private Table resolveTable(net.sf.jsqlparser.schema.Table t) {
    String name = name(t.getName());
    String schema = t.getSchemaName() == null ? null : name(t.getSchemaName());
    if (schema != null) {
      return catalog.table(schema, name).orElse(null);
    }
    for (String s : searchPath) {
      var found = catalog.table(s, name);
      if (found.isPresent()) {
        return found.get();
      }
    }
    return null;
  }

  /**
   * A name as PostgreSQL reads it: a quoted one exactly as written (dots, newlines and all: the
   * parser only ever saw a placeholder for it), an unquoted one folded to lower case.
   */
  String name(String identifier) {
    String real = names.name(identifier);
    return real != null ? real : unquote(identifier);
  }

  /** PostgreSQL folds unquoted names to lower case; quoted ones are taken as written. */
  static String unquote(String name) {
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      return name.substring(1, name.length() - 1).replace("\"\"", "\"");
    }
    return name.toLowerCase(Locale.ROOT);
  }

  private static final java.util.regex.Pattern LIMIT_PARAMETER = java.util.regex.Pattern.compile(
      "(?i)\\b(LIMIT|FETCH\\s+(?:FIRST|NEXT))\\s+\\$\\d+");

  /**
   * A normalized text (pg_stat_statements) has {@code LIMIT $n}: a generic plan then assumes a
   * tenth of the rows and the ORDER BY ... LIMIT index never looks worth it. The row count is
   * unknown; 100, a common page size and less flattering to an index than 10, stands in for it.
   */
  static String withRowCount(String sql) {
    return LIMIT_PARAMETER.matcher(sql).replaceAll("$1 100");
  }

  private static final java.util.regex.Pattern MATERIALIZED_NAME =
      java.util.regex.Pattern.compile(
          "(?i)(\"(?:[^\"]|\"\")+\"|\\w+)\\s+AS\\s+MATERIALIZED\\s*\\(");

  /** The CTEs the query asks to materialize: predicates outside them are not pushed in. */
  static Set<String> materializedCtes(String sql) {
    var out = new HashSet<String>();
    var m = MATERIALIZED_NAME.matcher(sql);
    while (m.find()) {
      out.add(unquote(m.group(1)));
    }
    return out;
  }

  /** The text JSqlParser is given (see {@link MaterializedHints}). */
  static String parsable(String sql) {
    return MaterializedHints.blanked(sql);
  }

  /** Where the parser stopped, from its ParseException's unexpected token; "" when unknown. */
  private static String position(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof net.sf.jsqlparser.parser.ParseException pe && pe.currentToken != null) {
        var token = pe.currentToken.next != null ? pe.currentToken.next : pe.currentToken;
        return " at line " + token.beginLine + ", column " + token.beginColumn;
      }
    }
    return "";
  }

  private static String firstLine(Throwable e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    msg = msg.strip();
    int nl = msg.indexOf('\n');
    msg = nl < 0 ? msg : msg.substring(0, nl);
    // JSqlParser wraps its ParseException: the class name tells a user nothing
    msg = msg.replaceFirst("^([a-z]\\w*\\.)+\\w*Exception: ", "");
    return msg.length() > 160 ? msg.substring(0, 157) + "..." : msg;
  }

  /** Tables visible in one SELECT level; the parent is the enclosing level (correlation). */
  private static final class Scope {
    final Map<String, AccessBuilder> byAlias = new LinkedHashMap<>();
    final Set<String> opaque = new HashSet<>();
    final Scope parent;

    Scope(Scope parent) {
      this.parent = parent;
    }
  }

  private static final class AccessBuilder {
    final Table table;
    final String alias;
    /** For a table read through a view or CTE: its output names to the table's columns. */
    Map<String, String> renames = Map.of();
    /** True when only the view's listed output names are visible (no *). */
    boolean onlyListed;
    final List<Predicate> predicates = new ArrayList<>();
    List<String> orderBy = List.of();
    List<Boolean> orderDirs = List.of();
    List<String> selected;
    boolean desc;
    List<String> groupBy = List.of();
    Long limit;
    boolean joined;

    AccessBuilder(Table table, String alias) {
      this.table = table;
      this.alias = alias;
    }

    TableAccess build() {
      return new TableAccess(table, alias, List.copyOf(predicates), orderBy, desc, groupBy, limit,
          joined, orderDirs, selected);
    }
  }

  /** @param keySql the index key for an expression other than f(col), else null */
  private record ColumnRef(AccessBuilder access, String column, String function, String keySql) {

    ColumnRef(AccessBuilder access, String column, String function) {
      this(access, column, function, null);
    }
  }

  /** The state of one statement's analysis. */
  private final class Context {
    final List<AccessBuilder> accesses = new ArrayList<>();
    final Set<String> cteNames = new HashSet<>();
    final Map<String, PlainSelect> inlinable = new HashMap<>();
    final Set<String> materialized;
    int depth;

    Context(Set<String> materialized) {
      this.materialized = materialized;
    }

    Table dml(net.sf.jsqlparser.schema.Table target, FromItem from, List<Join> joins,
        Expression where) {
      var scope = new Scope(null);
      AccessBuilder access = addTable(target, scope);
      if (from != null) {
        fromItem(from, scope);
      }
      if (joins != null) {
        for (Join join : joins) {
          fromItem(join.getRightItem(), scope);
        }
      }
      if (where != null) {
        where(where, scope);
      }
      return access.table;
    }

    void select(Select select, Scope parent) {
      if (select.getWithItemsList() != null) {
        for (var with : select.getWithItemsList()) {
          String name = name(with.getAliasName());
          PlainSelect body = with.getSelect() == null ? null : simpleBody(with.getSelect());
          // PostgreSQL inlines a CTE that is not MATERIALIZED: outer predicates reach the table.
          if (body != null && !materialized.contains(name) && !with.isRecursive()) {
            inlinable.put(name, body);
          } else {
            cteNames.add(name);
          }
        }
        for (var with : select.getWithItemsList()) {
          if (inlinable.containsKey(name(with.getAliasName()))) {
            continue; // analyzed where it is read, with the predicates applied to it there
          }
          if (with.getSelect() != null) {
            select(with.getSelect(), parent);
          } else {
            throw new SkipException("data-modifying CTE");
          }
        }
      }
      if (select instanceof PlainSelect plain) {
        plainSelect(plain, parent);
      } else if (select instanceof ParenthesedSelect paren) {
        select(paren.getSelect(), parent);
      } else if (select instanceof SetOperationList set) {
        for (Select s : set.getSelects()) {
          select(s, parent);
        }
      } else {
        throw new SkipException("unsupported query form: " + select.getClass().getSimpleName());
      }
    }

    void plainSelect(PlainSelect plain, Scope parent) {
      var scope = new Scope(parent);
      if (plain.getFromItem() != null) {
        fromItem(plain.getFromItem(), scope);
      }
      if (plain.getJoins() != null) {
        for (Join join : plain.getJoins()) {
          fromItem(join.getRightItem(), scope);
          if (join.getOnExpressions() != null) {
            for (Expression on : join.getOnExpressions()) {
              where(on, scope);
            }
          }
          if (join.getUsingColumns() != null) {
            usingJoin(join, scope);
          }
        }
      }
      if (plain.getWhere() != null) {
        where(plain.getWhere(), scope);
      }
      boolean singleTable = scope.byAlias.size() == 1 && scope.opaque.isEmpty();
      Long limit = limit(plain);
      if (singleTable) {
        AccessBuilder only = scope.byAlias.values().iterator().next();
        only.limit = limit;
        only.selected = selectedColumns(plain, scope, only);
        orderBy(plain, scope, only);
        if (plain.getGroupBy() != null && plain.getGroupBy().getGroupByExpressionList() != null) {
          var cols = new ArrayList<String>();
          for (Object e : plain.getGroupBy().getGroupByExpressionList()) {
            ColumnRef ref = e instanceof Expression ex ? columnRef(ex, scope) : null;
            if (ref == null || ref.function != null || ref.access != only) {
              cols.clear();
              break;
            }
            cols.add(ref.column);
          }
          only.groupBy = List.copyOf(cols);
        }
      }
    }

    private void orderBy(PlainSelect plain, Scope scope, AccessBuilder only) {
      List<OrderByElement> elements = plain.getOrderByElements();
      if (elements == null || elements.isEmpty()) {
        return;
      }
      var cols = new ArrayList<String>();
      var dirs = new ArrayList<Boolean>();
      for (OrderByElement e : elements) {
        ColumnRef ref = columnRef(outputExpression(e.getExpression(), plain), scope);
        if (ref == null || ref.function != null || ref.access != only
            || e.getNullOrdering() != null) {
          return;
        }
        cols.add(ref.column);
        dirs.add(!e.isAsc());
      }
      only.orderBy = List.copyOf(cols);
      only.orderDirs = List.copyOf(dirs);
      only.desc = dirs.get(0);
    }

    /** The table's columns the select list reads; null for *, a sub-select or unknown names. */
    private List<String> selectedColumns(PlainSelect plain, Scope scope, AccessBuilder only) {
      if (plain.getSelectItems() == null) {
        return null;
      }
      var cols = new java.util.LinkedHashSet<String>();
      var unknown = new boolean[1];
      for (var item : plain.getSelectItems()) {
        Expression e = item.getExpression();
        if (e instanceof net.sf.jsqlparser.statement.select.AllColumns
            || e instanceof net.sf.jsqlparser.statement.select.AllTableColumns) {
          return null;
        }
        e.accept(new ExpressionVisitorAdapter<Void>() {
          @Override
          public <S> Void visit(Column column, S context) {
            ColumnRef ref = resolveColumn(column, scope);
            if (ref == null || ref.access != only) {
              unknown[0] = true;
            } else {
              cols.add(ref.column);
            }
            return null;
          }

          @Override
          public <S> Void visit(Select select, S context) {
            unknown[0] = true;
            return null;
          }
        }, null);
      }
      return unknown[0] ? null : List.copyOf(cols);
    }

    /** ORDER BY 2 and ORDER BY an output alias sort by that select item's expression. */
    private Expression outputExpression(Expression e, PlainSelect plain) {
      var items = plain.getSelectItems();
      if (items == null) {
        return e;
      }
      if (e instanceof LongValue n && n.getValue() >= 1 && n.getValue() <= items.size()) {
        return items.get((int) n.getValue() - 1).getExpression();
      }
      if (e instanceof Column c && c.getTable() == null) {
        String name = name(c.getColumnName());
        for (var item : items) {
          if (item.getAlias() != null && name(item.getAlias().getName()).equals(name)) {
            return item.getExpression();
          }
        }
      }
      return e;
    }

    private Long limit(PlainSelect plain) {
      if (plain.getLimit() != null && plain.getLimit().getRowCount() instanceof LongValue v) {
        return v.getValue();
      }
      if (plain.getFetch() != null && plain.getFetch().getExpression() instanceof LongValue v) {
        return v.getValue();
      }
      return null;
    }

    private void usingJoin(Join join, Scope scope) {
      for (Column c : join.getUsingColumns()) {
        String name = name(c.getColumnName());
        for (AccessBuilder a : scope.byAlias.values()) {
          if (a.table.column(name).isPresent()) {
            a.joined = true;
            a.predicates.add(new Predicate(name, null, Op.JOIN, null, null));
          }
        }
      }
    }

    void fromItem(FromItem item, Scope scope) {
      if (item instanceof net.sf.jsqlparser.schema.Table t) {
        String name = name(t.getName());
        String refAlias = alias(t.getAlias() == null ? null : t.getAlias().getName(), name);
        if (t.getSchemaName() == null && inlinable.containsKey(name)) {
          inline(inlinable.get(name), refAlias, scope);
          return;
        }
        if (t.getSchemaName() == null && cteNames.contains(name)) {
          scope.opaque.add(refAlias);
          return;
        }
        if (resolveTable(t) == null) {
          PlainSelect view = view(t);
          if (view != null) {
            inline(view, refAlias, scope);
            return;
          }
        }
        addTable(t, scope);
      } else if (item instanceof ParenthesedSelect sub) {
        select(sub.getSelect(), scope.parent);
        scope.opaque.add(sub.getAlias() == null ? "" : name(sub.getAlias().getName()));
      } else if (item instanceof ParenthesedFromItem paren) {
        fromItem(paren.getFromItem(), scope);
        if (paren.getJoins() != null) {
          for (Join join : paren.getJoins()) {
            fromItem(join.getRightItem(), scope);
            if (join.getOnExpressions() != null) {
              join.getOnExpressions().forEach(on -> where(on, scope));
            }
          }
        }
      } else if (item != null) {
        // Table functions, VALUES lists...: nothing an index of ours serves.
        scope.opaque.add(item.getAlias() == null ? "" : name(item.getAlias().getName()));
      }
    }

    /**
     * Reads a simple view or CTE (one table, plain columns) as its table under the reference's
     * alias, with the body's own WHERE applied to it: what the planner does when it inlines it.
     */
    private void inline(PlainSelect body, String refAlias, Scope scope) {
      if (++depth > 10) {
        throw new SkipException("views or CTEs nested too deep");
      }
      var base = (net.sf.jsqlparser.schema.Table) body.getFromItem();
      AccessBuilder access = addTable(base, scope, refAlias);
      var renames = new HashMap<String, String>();
      boolean star = false;
      for (var item : body.getSelectItems()) {
        Expression e = item.getExpression();
        if (e instanceof net.sf.jsqlparser.statement.select.AllColumns
            || e instanceof net.sf.jsqlparser.statement.select.AllTableColumns) {
          star = true;
        } else if (e instanceof Column c) {
          String out = item.getAlias() != null ? name(item.getAlias().getName())
              : name(c.getColumnName());
          renames.put(out, name(c.getColumnName()));
        }
      }
      access.renames = renames;
      access.onlyListed = !star;
      if (body.getWhere() != null) {
        var inner = new Scope(scope.parent);
        String bodyAlias = alias(base.getAlias() == null ? null : base.getAlias().getName(),
            name(base.getName()));
        inner.byAlias.put(bodyAlias, access);
        // The body's own names are the table's, not the view's output names.
        var saved = access.renames;
        boolean savedListed = access.onlyListed;
        access.renames = Map.of();
        access.onlyListed = false;
        where(body.getWhere(), inner);
        access.renames = saved;
        access.onlyListed = savedListed;
      }
      depth--;
    }

    private AccessBuilder addTable(net.sf.jsqlparser.schema.Table t, Scope scope) {
      return addTable(t, scope, null);
    }

    private AccessBuilder addTable(net.sf.jsqlparser.schema.Table t, Scope scope,
        String aliasOverride) {
      String name = name(t.getName());
      String schema = t.getSchemaName() == null ? null : name(t.getSchemaName());
      if ((schema != null && SYSTEM_SCHEMAS.contains(schema))
          || (schema == null && name.startsWith("pg_") && resolveTable(t) == null)) {
        throw new SkipException("reads a system catalog (" + name + ")");
      }
      Table table = resolveTable(t);
      if (table == null) {
        throw new SkipException("unknown table " + (schema == null ? "" : schema + ".") + name
            + " (not in the catalog or not on search_path " + searchPath + ")");
      }
      String alias = aliasOverride != null ? aliasOverride
          : alias(t.getAlias() == null ? null : t.getAlias().getName(), name);
      var access = new AccessBuilder(table, alias);
      scope.byAlias.put(alias, access);
      accesses.add(access);
      return access;
    }

    private String alias(String alias, String name) {
      return alias == null ? name : name(alias);
    }

    void where(Expression e, Scope scope) {
      if (e instanceof AndExpression and) {
        where(and.getLeftExpression(), scope);
        where(and.getRightExpression(), scope);
      } else if (e instanceof Parenthesis p) {
        where(p.getExpression(), scope);
      } else if (e instanceof ExpressionList<?> list && list.size() == 1) {
        where(list.get(0), scope);
      } else if (e instanceof OrExpression or) {
        or(or, scope);
      } else if (e instanceof NotEqualsTo ne) {
        notEqual(ne, scope);
      } else if (e instanceof DoubleAnd overlap) {
        containment(overlap.getLeftExpression(), overlap.getRightExpression(), Op.OVERLAP,
            overlap.toString(), scope);
      } else if (e instanceof JsonOperator json) {
        jsonOperator(json, scope);
      } else if (e instanceof Matches match) {
        textMatch(match, scope);
      } else if (e instanceof ComparisonOperator cmp) {
        comparison(cmp, scope);
      } else if (e instanceof Between between && !between.isNot()) {
        ColumnRef ref = columnRef(between.getLeftExpression(), scope);
        if (ref != null && isConstant(between.getBetweenExpressionStart())
            && isConstant(between.getBetweenExpressionEnd())) {
          add(ref, Op.RANGE, null, between.toString());
        }
      } else if (e instanceof InExpression in) {
        inExpression(in, scope);
      } else if (e instanceof LikeExpression like && !like.isNot()) {
        like(like, scope);
      } else if (e instanceof IsNullExpression isNull) {
        ColumnRef ref = columnRef(isNull.getLeftExpression(), scope);
        if (ref != null) {
          add(ref, isNull.isNot() ? Op.NOT_NULL : Op.IS_NULL, null, isNull.toString());
        }
      } else if (e instanceof ExistsExpression exists
          && exists.getRightExpression() instanceof Select sub) {
        select(sub, scope);
      }
      // OR, NOT, <> and others: no single btree range serves them, nothing to collect.
    }

    /**
     * {@code a = 1 OR b = 2}: kept as one predicate whose arms are single predicates on the same
     * table (a BitmapOr of one index per arm serves it); anything else is dropped, as before.
     */
    private void or(OrExpression or, Scope scope) {
      var branches = new ArrayList<Expression>();
      flattenOr(or, branches);
      AccessBuilder target = null;
      var arms = new ArrayList<Predicate>();
      for (Expression branch : branches) {
        var sizes = new HashMap<AccessBuilder, Integer>();
        var joined = new HashMap<AccessBuilder, Boolean>();
        for (AccessBuilder a : accesses) {
          sizes.put(a, a.predicates.size());
          joined.put(a, a.joined);
        }
        int accessCount = accesses.size();
        where(branch, scope);
        AccessBuilder changed = null;
        Predicate arm = null;
        boolean simple = accesses.size() == accessCount;
        for (AccessBuilder a : accesses) {
          int before = sizes.getOrDefault(a, 0);
          if (a.predicates.size() > before) {
            simple &= changed == null;
            changed = a;
            var added = List.copyOf(a.predicates.subList(before, a.predicates.size()));
            arm = added.size() == 1 ? added.get(0) : conjunction(added, branch);
          }
          while (a.predicates.size() > before) {
            a.predicates.remove(a.predicates.size() - 1);
          }
          a.joined = joined.getOrDefault(a, a.joined);
        }
        while (accesses.size() > accessCount) {
          accesses.remove(accesses.size() - 1); // an arm's sub-select: not served by the arms
        }
        if (!simple || arm == null || (target != null && changed != target)
            || arm.sql() == null || arm.op() == Op.OR) {
          return; // an arm no index of this table serves alone: the OR filters after the scan
        }
        target = changed;
        arms.add(arm);
      }
      target.predicates.add(new Predicate(arms.get(0).column(), null, Op.OR, null,
          names.restore(or.toString()), null, arms));
    }

    /**
     * {@code (a = 1 AND b = 2)} as an arm of an OR: one predicate whose arms are its conjuncts,
     * served by one index on them; null when a conjunct is not a plain predicate of the table.
     */
    private Predicate conjunction(List<Predicate> conjuncts, Expression branch) {
      for (Predicate c : conjuncts) {
        if (c.sql() == null || c.op() == Op.OR || c.op() == Op.AND) {
          return null;
        }
      }
      return new Predicate(conjuncts.get(0).column(), null, Op.AND, null,
          names.restore(branch.toString()), null, conjuncts);
    }

    private void flattenOr(Expression e, List<Expression> out) {
      if (e instanceof OrExpression or) {
        flattenOr(or.getLeftExpression(), out);
        flattenOr(or.getRightExpression(), out);
      } else if (e instanceof Parenthesis p && p.getExpression() instanceof OrExpression) {
        flattenOr(p.getExpression(), out);
      } else if (e instanceof ExpressionList<?> list && list.size() == 1
          && list.get(0) instanceof OrExpression inner) {
        flattenOr(inner, out);
      } else {
        out.add(e);
      }
    }

    private void notEqual(NotEqualsTo ne, Scope scope) {
      ColumnRef l = columnRef(ne.getLeftExpression(), scope);
      ColumnRef r = columnRef(ne.getRightExpression(), scope);
      ColumnRef ref = l != null ? l : r;
      Expression other = l != null ? ne.getRightExpression() : ne.getLeftExpression();
      if ((l == null) == (r == null) || ref.function != null || ref.keySql != null
          || !isConstant(other)) {
        return;
      }
      String value = literalValue(other);
      if (value != null) {
        add(ref, Op.NOT_EQUAL, value, ne.toString());
      }
    }

    /** {@code col @> const} and {@code col && const} on a plain jsonb or array column. */
    private void containment(Expression left, Expression right, Op op, String sql, Scope scope) {
      ColumnRef ref = columnRef(left, scope);
      if (ref == null || ref.function != null || ref.keySql != null || !isConstant(right)) {
        return;
      }
      add(ref, op, null, sql);
    }

    private void jsonOperator(JsonOperator json, Scope scope) {
      String operator = json.getStringExpression();
      if ("@>".equals(operator)) {
        containment(json.getLeftExpression(), json.getRightExpression(), Op.CONTAINS,
            json.toString(), scope);
      } else if ("?".equals(operator) || "?|".equals(operator) || "?&".equals(operator)) {
        containment(json.getLeftExpression(), json.getRightExpression(), Op.KEY_EXISTS,
            json.toString(), scope);
      }
    }

    /**
     * {@code to_tsvector('config', col) @@ query}: an expression GIN index on the same
     * {@code to_tsvector} serves it; the one-argument form depends on default_text_search_config,
     * is not immutable and cannot be indexed. A tsvector column is indexed as it is.
     */
    private void textMatch(Matches match, Scope scope) {
      Expression left = match.getLeftExpression();
      Expression right = match.getRightExpression();
      if (isConstant(left) && !isConstant(right)) {
        Expression swap = left;
        left = right;
        right = swap;
      }
      if (!isConstant(right)) {
        return;
      }
      if (left instanceof Column c) {
        ColumnRef ref = resolveColumn(c, scope);
        if (ref != null) {
          add(ref, Op.TEXT_MATCH, null, match.toString());
        }
        return;
      }
      if (left instanceof Function f && "to_tsvector".equals(name(f.getName()))
          && f.getParameters() != null) {
        var params = f.getParameters();
        Expression col = params.get(params.size() - 1);
        ColumnRef inner = col instanceof Column c ? resolveColumn(c, scope) : null;
        if (inner == null) {
          return;
        }
        String config = params.size() == 2 ? configName(params.get(0)) : null;
        if (config == null) {
          // No literal configuration: the index could not be built (to_tsvector(text) is only
          // stable). The predicate is kept so that the reason names it.
          add(new ColumnRef(inner.access, inner.column, "to_tsvector"), Op.OPAQUE, null,
              match.toString());
          return;
        }
        String key = "to_tsvector(" + io.pgdba.ddl.Identifiers.literal(config) + ", "
            + io.pgdba.ddl.Identifiers.quote(inner.column) + ")";
        add(new ColumnRef(inner.access, inner.column, "to_tsvector", key), Op.TEXT_MATCH, null,
            match.toString());
      }
    }

    /** The configuration of {@code 'english'} or {@code 'english'::regconfig}, else null. */
    private String configName(Expression e) {
      if (e instanceof CastExpression cast && cast.getColDataType() != null
          && "regconfig".equalsIgnoreCase(cast.getColDataType().getDataType())) {
        e = cast.getLeftExpression();
      }
      return e instanceof StringValue ? literalValue(e) : null;
    }

    private void comparison(ComparisonOperator cmp, Scope scope) {
      Expression left = cmp.getLeftExpression();
      Expression right = cmp.getRightExpression();
      if (cmp instanceof EqualsTo && right instanceof Function any
          && "any".equalsIgnoreCase(any.getName()) && isConstant(left)
          && any.getParameters() != null && any.getParameters().size() == 1
          && any.getParameters().get(0) instanceof Column arrayCol) {
        ColumnRef ref = resolveColumn(arrayCol, scope);
        if (ref != null) {
          // 'x' = ANY(tags): no index serves it, tags @> ARRAY['x'] would use a GIN index.
          add(ref, Op.ANY_ARRAY, null, cmp.toString());
        }
        return;
      }
      if (left instanceof CollateExpression || right instanceof CollateExpression) {
        return; // compared in another collation than the column's: no plain index serves it
      }
      if (left instanceof Select || right instanceof Select) {
        if (left instanceof Select s) {
          select(s, scope);
        }
        if (right instanceof Select s) {
          select(s, scope);
        }
        return;
      }
      ColumnRef l = columnRef(left, scope);
      ColumnRef r = columnRef(right, scope);
      boolean eq = cmp instanceof EqualsTo;
      if (l != null && r != null) {
        if (eq && l.access != r.access && l.function == null && r.function == null) {
          for (ColumnRef ref : List.of(l, r)) {
            ref.access.joined = true;
            int partner = accesses.indexOf(ref == l ? r.access : l.access);
            ref.access.predicates.add(new Predicate(ref.column, null, Op.JOIN, null, null, null,
                List.of(), partner));
          }
        }
        return;
      }
      ColumnRef ref = l != null ? l : r;
      Expression other = l != null ? right : left;
      if (ref == null || !isConstant(other)) {
        return;
      }
      add(ref, eq ? Op.EQ : Op.RANGE, eq ? literalValue(other) : null, cmp.toString());
    }

    private void inExpression(InExpression in, Scope scope) {
      if (in.isNot()) {
        return;
      }
      ColumnRef ref = columnRef(in.getLeftExpression(), scope);
      Expression right = in.getRightExpression();
      // JSqlParser 5.3 parses "a IN (1, 2) AND b = 3" as a IN ((1, 2) AND b = 3): take the
      // list back from the leftmost leaf and analyze the swallowed conjuncts on their own.
      var swallowed = new ArrayList<Expression>();
      while (right instanceof AndExpression and) {
        swallowed.add(0, and.getRightExpression());
        right = and.getLeftExpression();
      }
      if (right instanceof Select sub) {
        select(sub, scope);
        if (ref != null && ref.function == null) {
          ref.access.predicates.add(new Predicate(ref.column, null, Op.JOIN, null, null));
        }
      } else if (ref != null && isConstant(right)) {
        add(ref, Op.IN, null, in.getLeftExpression() + " IN " + right);
      }
      swallowed.forEach(e -> where(e, scope));
    }

    private void like(LikeExpression like, Scope scope) {
      ColumnRef ref = columnRef(like.getLeftExpression(), scope);
      if (ref == null || like.isNot()) {
        return; // NOT LIKE keeps nearly every row: no index serves it
      }
      if (!(like.getRightExpression() instanceof StringValue pattern)) {
        if (isConstant(like.getRightExpression())) {
          // LIKE $1 (pg_stat_statements): the pattern is unknown, and a generic plan cannot
          // turn a parameter into btree bounds; the reason says so (value null).
          add(ref, Op.LIKE_INFIX, null, like.toString());
        }
        return;
      }
      String p = pattern.getValue();
      boolean ilike = like.getLikeKeyWord() != LikeExpression.KeyWord.LIKE;
      boolean leadingWildcard = p.isEmpty() || p.charAt(0) == '%' || p.charAt(0) == '_';
      Op op = ilike || leadingWildcard || ref.function != null ? Op.LIKE_INFIX : Op.LIKE_PREFIX;
      add(ref, op, p, like.toString());
    }

    private void add(ColumnRef ref, Op op, String value, String sql) {
      Op effective = op;
      if (ref.function != null && "CAST".equals(ref.function)) {
        effective = Op.OPAQUE;
      }
      ref.access.predicates.add(new Predicate(ref.column, ref.function, effective, value,
          names.restore(sql), ref.keySql, List.of()));
    }

    /** A column of a table in scope, possibly under a one-argument function or a cast. */
    private ColumnRef columnRef(Expression e, Scope scope) {
      if (e instanceof Parenthesis p) {
        return columnRef(p.getExpression(), scope);
      }
      if (e instanceof Column c) {
        return resolveColumn(c, scope);
      }
      if (e instanceof Function f && f.getParameters() != null && f.getParameters().size() == 1
          && f.getParameters().get(0) instanceof Column c) {
        ColumnRef inner = resolveColumn(c, scope);
        return inner == null ? null
            : new ColumnRef(inner.access, inner.column, name(f.getName()));
      }
      if (e instanceof JsonExpression json && json.getExpression() instanceof Column c
          && json.getOperators().size() == 1 && "->>".equals(json.getOperators().get(0))
          && json.getIdents().get(0) instanceof StringValue key && key.getPrefix() == null) {
        // data->>'plan': an expression index on exactly that serves =, IN and ranges on it.
        ColumnRef inner = resolveColumn(c, scope);
        String k = literalValue(key);
        return inner == null || k == null ? null : new ColumnRef(inner.access, inner.column,
            "->>", io.pgdba.ddl.Identifiers.quote(inner.column) + " ->> "
                + io.pgdba.ddl.Identifiers.literal(k));
      }
      if (e instanceof CastExpression cast && cast.getLeftExpression() instanceof Column c) {
        ColumnRef inner = resolveColumn(c, scope);
        return inner == null ? null : new ColumnRef(inner.access, inner.column, "CAST");
      }
      return null;
    }

    private ColumnRef resolveColumn(Column c, Scope scope) {
      String name = name(c.getColumnName());
      String qualifier = c.getTable() == null || c.getTable().getName() == null
          ? null : name(c.getTable().getName());
      for (Scope s = scope; s != null; s = s.parent) {
        if (qualifier != null) {
          AccessBuilder a = s.byAlias.get(qualifier);
          if (a != null) {
            String base = baseColumn(a, name);
            return base == null ? null : rewritten(c, a, base);
          }
          if (s.opaque.contains(qualifier)) {
            return null;
          }
        } else {
          var matches = new ArrayList<AccessBuilder>();
          for (AccessBuilder a : s.byAlias.values()) {
            if (baseColumn(a, name) != null) {
              matches.add(a);
            }
          }
          if (matches.size() == 1 && s.opaque.isEmpty()) {
            return rewritten(c, matches.get(0), baseColumn(matches.get(0), name));
          }
          if (!matches.isEmpty() || !s.opaque.isEmpty()) {
            return null; // ambiguous, or maybe a column of a sub-select: do not guess
          }
        }
      }
      return null;
    }
  }

  /** The table column an output name of the access stands for, null when none. */
  private static String baseColumn(AccessBuilder a, String name) {
    String base = a.renames.get(name);
    if (base == null) {
      if (a.onlyListed) {
        return null;
      }
      base = name;
    }
    return a.table.column(base).isPresent() ? base : null;
  }

  /**
   * The reference, with the parsed column renamed to the table's column under the access's
   * alias: the predicate's text is then valid SQL on the table alone (for row estimates), also
   * when it was written against a view's output name or inside a CTE under another alias.
   */
  private ColumnRef rewritten(Column c, AccessBuilder a, String base) {
    if (!base.equals(name(c.getColumnName()))) {
      c.setColumnName(io.pgdba.ddl.Identifiers.quote(base));
    }
    if (c.getTable() != null && c.getTable().getName() != null) {
      c.setTable(new net.sf.jsqlparser.schema.Table(io.pgdba.ddl.Identifiers.quote(a.alias)));
    }
    return new ColumnRef(a, base, null);
  }

  /** The body of a CTE or view that reads one table with plain columns, else null. */
  private static PlainSelect simpleBody(Select select) {
    Select s = select;
    while (s instanceof ParenthesedSelect p) {
      s = p.getSelect();
    }
    if (!(s instanceof PlainSelect plain) || plain.getWithItemsList() != null
        || !(plain.getFromItem() instanceof net.sf.jsqlparser.schema.Table)
        || (plain.getJoins() != null && !plain.getJoins().isEmpty())
        || plain.getGroupBy() != null || plain.getDistinct() != null
        || plain.getHaving() != null || plain.getLimit() != null || plain.getOffset() != null
        || plain.getFetch() != null || plain.getSelectItems() == null) {
      return null;
    }
    for (var item : plain.getSelectItems()) {
      Expression e = item.getExpression();
      if (!(e instanceof Column || e instanceof net.sf.jsqlparser.statement.select.AllColumns
          || e instanceof net.sf.jsqlparser.statement.select.AllTableColumns)) {
        return null;
      }
    }
    return plain;
  }

  /** A view of the catalog's database as a simple body, null when not a (simple) view. */
  private PlainSelect view(net.sf.jsqlparser.schema.Table t) {
    String name = name(t.getName());
    String schema = t.getSchemaName() == null ? null : name(t.getSchemaName());
    String key = null;
    if (schema != null) {
      key = schema + "." + name;
    } else {
      for (String s : searchPath) {
        if (views.containsKey(s + "." + name)) {
          key = s + "." + name;
          break;
        }
      }
    }
    if (key == null || !views.containsKey(key)) {
      return null;
    }
    // Parsed afresh for each read: the analysis renames columns in the tree it is given.
    PlainSelect body = null;
    if (!Boolean.FALSE.equals(simpleViews.get(key))) {
      try {
        if (CCJSqlParserUtil.parse(views.get(key)) instanceof Select sel) {
          body = simpleBody(sel);
        }
      } catch (Exception | StackOverflowError e) {
        body = null;
      }
      simpleViews.put(key, body != null);
    }
    if (body == null) {
      throw new SkipException("reads view " + key + ", which is not a simple one-table view"
          + " pgdba can see through");
    }
    return body;
  }

  /** True when the expression refers to no column (a literal, parameter, now(), ...). */
  static boolean isConstant(Expression e) {
    var found = new boolean[1];
    e.accept(new ExpressionVisitorAdapter<Void>() {
      @Override
      public <S> Void visit(Column column, S context) {
        found[0] = true;
        return null;
      }

      @Override
      public <S> Void visit(Select select, S context) {
        found[0] = true;
        return null;
      }
    }, null);
    return !found[0];
  }

  static String literalValue(Expression e) {
    if (e instanceof StringValue s) {
      // E'' and other prefixed strings have escapes of their own: no value we can trust.
      return s.getPrefix() == null ? s.getValue().replace("''", "'") : null;
    }
    if (e instanceof LongValue l) {
      return l.getStringValue();
    }
    return null;
  }

}
