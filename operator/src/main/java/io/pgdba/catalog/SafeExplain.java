package io.pgdba.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.workload.MaterializedHints;
import io.pgdba.workload.QuotedNames;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.StatementVisitor;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;
import org.postgresql.core.BaseConnection;
import org.postgresql.jdbc.PreferQueryMode;

/**
 * The one way pgdba EXPLAINs a statement whose text it did not write (a logged statement, a
 * pg_stat_statements text, an affected query's example). Such text is attacker-controlled: anyone
 * who can send a query decides what the log holds. What reaches the server is built here, and
 * each guarantee holds on its own:
 *
 * <ol>
 *   <li>Only text regenerated from JSqlParser's tree is sent, never the logged text: comments
 *       and anything after the one statement are gone, and a text JSqlParser reads as more than
 *       one statement, or as anything but SELECT, INSERT, UPDATE or DELETE, is refused.
 *   <li>The EXPLAIN prefix is pgdba's own: {@code EXPLAIN (FORMAT ...)}, never ANALYZE, so the
 *       statement is planned, not run (a data-modifying CTE included).
 *   <li>It goes to the server as one extended-protocol Parse message. pgjdbc splits a text at
 *       {@code ;} on the client with a lexer of its own; a text it would split is refused before
 *       anything is sent, and the server refuses a Parse message holding more than one command.
 *       A session in the simple query protocol (which runs every command of a text) is refused.
 *   <li>A function that is not built in (a name defined outside {@code pg_catalog}) is never
 *       handed to the planner, which evaluates an IMMUTABLE function with constant arguments
 *       while planning: such a statement is refused with its name.
 *   <li>A user function the statement reaches without naming it is never handed to the planner
 *       either: a cast to or from a type with a user cast, a domain whose CHECK or DEFAULT calls
 *       one, a column DEFAULT an INSERT fills in, a view or rule the rewriter expands, a row
 *       security policy. PostgreSQL runs them while planning (an IMMUTABLE or STABLE one with
 *       constant arguments) or, for a domain's CHECK, when it coerces the NULL given to a
 *       placeholder: such a statement is refused with the function's name, found through
 *       pg_depend and pg_cast before anything of the statement is sent.
 *   <li>Built-in functions that run SQL they are given ({@code query_to_xml}, {@code
 *       table_to_xml}, ...) are refused like user functions: STABLE, so the planner may run them.
 *   <li>Placeholders ({@code $1}) are planned as a generic plan of a prepared statement, so no
 *       value is ever bound to them.
 * </ol>
 *
 * <p>The session itself is read-only ({@link ReadOnlySession}), which is the last defence.
 */
public final class SafeExplain {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREPARED = "pgdba_explain";
  // Spelled as keywords, planned as expressions: not in pg_proc, nothing user-defined to call.
  private static final Set<String> ARRAY_COMPARISONS = Set.of("any", "all", "some");
  private static final Set<String> SQL_FORMS = Set.of("coalesce", "nullif", "greatest", "least",
      "row");
  // Built in but run the SQL (or read the relation) they are given, views and their functions
  // included; STABLE ones are evaluated by the planner's estimates.
  private static final Set<String> RUNS_SQL = Set.of("query_to_xml", "query_to_xmlschema",
      "query_to_xml_and_xmlschema", "table_to_xml", "table_to_xmlschema",
      "table_to_xml_and_xmlschema", "schema_to_xml", "schema_to_xmlschema",
      "schema_to_xml_and_xmlschema", "database_to_xml", "database_to_xmlschema",
      "database_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", "ts_stat");
  private static final ExecutorService PARSER = Executors.newCachedThreadPool(r -> {
    var t = new Thread(r, "pgdba-sql-parser");
    t.setDaemon(true);
    return t;
  });

  private final Connection connection;
  private final Map<String, Boolean> builtIn = new HashMap<>();
  private final Map<List<List<String>>, List<String>> reached = new HashMap<>();
  /**
   * Regenerated texts by their source text: the index advisor explains one query under many
   * hypothetical configurations, and parsing it again each time cost more than the EXPLAIN.
   * Bounded, least recently used out first; only successes are kept.
   */
  private final Map<String, Regenerated> regenerated =
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Regenerated> eldest) {
          return size() > 10_000;
        }
      };
  private Set<String> userOperators;
  private static final java.util.regex.Pattern OPERATOR =
      java.util.regex.Pattern.compile("[+\\-*/<>=~!@#%^&|`?]+");

  public SafeExplain(Connection connection) {
    this.connection = connection;
  }

  /** Why a statement was not explained: one line, safe to show. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A statement as it will be sent: regenerated from the parse tree.
   *
   * @param sql the regenerated text (quoted names restored)
   * @param hasPlaceholders true when it holds {@code $n} or {@code ?} parameters
   * @param functions the functions it calls, as written (schema-qualified when they were)
   * @param relations the tables and views it names, as SQL names (quoted where they were)
   * @param types the types it casts to, as SQL type names
   */
  public record Regenerated(String sql, boolean hasPlaceholders, List<List<String>> functions,
      List<String> relations, List<String> types) {}

  /**
   * Parses {@code text} as exactly one SELECT, INSERT, UPDATE or DELETE and renders it again.
   *
   * @throws Refused when it is anything else, or when the parser stopped before the end of it
   */
  public static Regenerated regenerate(String text) throws Refused {
    if (text == null || text.isBlank()) {
      throw new Refused("no query text");
    }
    // the parser rejects [NOT] MATERIALIZED; the EXPLAIN then plans the CTE as the default does
    var masked = QuotedNames.mask(MaterializedHints.blanked(text));
    Statement statement;
    try {
      var parser = CCJSqlParserUtil.newParser(masked.text());
      statement = CCJSqlParserUtil.parseStatement(parser, PARSER);
      if (parser.getNextToken().kind != CCJSqlParserConstants.EOF) {
        throw new Refused("more than one statement in the query text");
      }
    } catch (Refused e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      throw new Refused("the SQL parser does not understand this statement");
    }
    if (!(statement instanceof Select || statement instanceof Update
        || statement instanceof Delete || statement instanceof Insert)) {
      throw new Refused("not a SELECT, INSERT, UPDATE or DELETE: "
          + (statement == null ? "empty" : statement.getClass().getSimpleName()));
    }
    var calls = new Calls(masked);
    Set<String> tables;
    try {
      tables = calls.getTablesOrOtherSources(statement);
    } catch (RuntimeException | StackOverflowError e) {
      throw new Refused("could not list the functions the statement calls");
    }
    String sql = masked.restore(statement.toString());
    return new Regenerated(sql, calls.parameters, List.copyOf(calls.functions),
        tables.stream().map(masked::restore).sorted().toList(), List.copyOf(calls.types));
  }

  /** The top plan node of {@code EXPLAIN (FORMAT JSON)} of {@code text}. */
  public JsonNode plan(String text) throws Refused {
    String json = String.join("\n", explain(text, "FORMAT JSON"));
    try {
      return JSON.readTree(json).get(0).get("Plan");
    } catch (Exception e) {
      throw new Refused("unreadable EXPLAIN output");
    }
  }

  /**
   * The planner's answer in short: total cost, estimated rows, the plan's nodes in plan order and
   * its shape on one line ({@code Hash Join(Seq Scan on a, Hash(Seq Scan on b))}).
   */
  public record PlanSummary(double cost, double rows, List<String> nodes, String shape) {

    public PlanSummary {
      nodes = List.copyOf(nodes);
    }
  }

  /** {@link #plan(String)} in short; a text with placeholders gets its generic plan. */
  public PlanSummary summary(String text) throws Refused {
    return summarize(plan(text));
  }

  /** The summary of a plan node of {@code EXPLAIN (FORMAT JSON)}. */
  public static PlanSummary summarize(JsonNode plan) throws Refused {
    if (plan == null || !plan.has("Total Cost")) {
      throw new Refused("unreadable EXPLAIN output");
    }
    var nodes = new ArrayList<String>();
    var shape = new StringBuilder();
    nodes(plan, nodes, shape);
    return new PlanSummary(plan.get("Total Cost").asDouble(), plan.path("Plan Rows").asDouble(),
        nodes, shape.toString());
  }

  private static void nodes(JsonNode plan, List<String> out, StringBuilder shape) {
    var node = new StringBuilder(plan.path("Node Type").asText());
    if (plan.has("Join Type") && node.toString().endsWith("Join")
        && !"Inner".equals(plan.get("Join Type").asText())) {
      node.insert(0, plan.get("Join Type").asText() + " ");
    }
    if (plan.has("Index Name")) {
      node.append(" using ").append(plan.get("Index Name").asText());
    }
    if (plan.has("Relation Name")) {
      node.append(" on ").append(plan.get("Relation Name").asText());
    }
    out.add(node.toString());
    shape.append(node);
    var children = plan.path("Plans");
    if (children.size() > 0) {
      shape.append('(');
      for (int i = 0; i < children.size(); i++) {
        shape.append(i == 0 ? "" : ", ");
        nodes(children.get(i), out, shape);
      }
      shape.append(')');
    }
  }

  /** The lines of {@code EXPLAIN} (text format) of {@code text}. */
  public List<String> textPlan(String text) throws Refused {
    return explain(text, "FORMAT TEXT");
  }

  private List<String> explain(String text, String options) throws Refused {
    var statement = regenerated.get(text);
    if (statement == null) {
      statement = regenerate(text);
      regenerated.put(text, statement);
    }
    for (var name : statement.functions()) {
      if (RUNS_SQL.contains(name.get(name.size() - 1))) {
        throw new Refused("calls " + String.join(".", name) + "(), which runs the SQL or reads"
            + " the relation it is given: the planner could run it");
      }
      if (!isBuiltIn(name)) {
        throw new Refused("calls " + String.join(".", name) + "(), which is not built in: the"
            + " planner could run it with the logged values");
      }
    }
    for (var op : operators(statement.sql())) {
      if (userOperators().contains(op)) {
        throw new Refused("uses the operator " + op + ", which is not built in: the planner"
            + " could run its function with the logged values");
      }
    }
    refuseReached(statement.relations(), statement.types());
    String sql = jdbcEscaped(statement.sql());
    if (!statement.hasPlaceholders()) {
      return send("EXPLAIN (" + options + ") " + sql);
    }
    // Never bind values to placeholders: a generic plan of a prepared statement needs none.
    boolean prepared = false;
    String mode = null;
    String pruning = null;
    try {
      mode = send("SELECT current_setting('plan_cache_mode')").get(0);
      send("PREPARE " + PREPARED + " AS " + sql);
      prepared = true;
      int n = Integer.parseInt(send("SELECT coalesce(array_length(parameter_types, 1), 0)"
          + " FROM pg_prepared_statements WHERE name = '" + PREPARED + "'").get(0));
      // EXECUTE coerces each NULL to its placeholder's type: a domain's CHECK runs there.
      refuseReached(List.of(), send("SELECT unnest(parameter_types)::text"
          + " FROM pg_prepared_statements WHERE name = '" + PREPARED + "'"));
      send("SET plan_cache_mode = force_generic_plan");
      // EXPLAIN EXECUTE prunes partitions at executor startup with the NULLs given: a generic
      // plan of a partitioned table would show "Subplans Removed: N" and no scan at all. Plan-time
      // pruning cannot use a placeholder anyway; off, every partition's scan (and the index it
      // would use) is shown, at the generic plan's own cost.
      pruning = send("SELECT current_setting('enable_partition_pruning')").get(0);
      send("SET enable_partition_pruning = off");
      return send("EXPLAIN (" + options + ") EXECUTE " + PREPARED
          + (n == 0 ? "" : "(" + String.join(", ", java.util.Collections.nCopies(n, "NULL"))
          + ")"));
    } finally {
      if (prepared) {
        sendQuietly("DEALLOCATE " + PREPARED);
      }
      if (mode != null && mode.matches("[a-z_]+")) {
        sendQuietly("SET plan_cache_mode = " + mode);
      }
      if (pruning != null && pruning.matches("on|off")) {
        sendQuietly("SET enable_partition_pruning = " + pruning);
      }
    }
  }

  /**
   * Operator names defined outside pg_catalog by someone other than an extension (CREATE
   * OPERATOR over a user function, e.g. in public): an operator is a function call the parser
   * does not show, and the planner folds it like one. Read once per session.
   */
  private Set<String> userOperators() throws Refused {
    if (userOperators == null) {
      userOperators = new HashSet<>(send("SELECT DISTINCT o.oprname FROM pg_catalog.pg_operator o"
          + " WHERE o.oprnamespace <> 'pg_catalog'::regnamespace AND NOT EXISTS (SELECT 1"
          + " FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_operator'::regclass"
          + " AND d.objid = o.oid AND d.deptype = 'e')"));
    }
    return userOperators;
  }

  /**
   * The jsonb operators {@code ?}, {@code ?|} and {@code ?&} written {@code ??} outside literals
   * and quoted names: the driver reads a lone {@code ?} as a bind parameter (and {@code ??} as
   * the character). A regenerated text has no comments; a dollar-quoted body is left alone.
   */
  static String jdbcEscaped(String sql) {
    if (sql.indexOf('?') < 0) {
      return sql;
    }
    var out = new StringBuilder(sql.length() + 8);
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        boolean escapes = c == '\'' && i > 0 && (sql.charAt(i - 1) == 'E'
            || sql.charAt(i - 1) == 'e');
        int j = i + 1;
        while (j < sql.length()) {
          char d = sql.charAt(j);
          if (escapes && d == '\\') {
            j += 2;
            continue;
          }
          if (d == c) {
            if (j + 1 < sql.length() && sql.charAt(j + 1) == c) {
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        int end = Math.min(sql.length(), j + 1);
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && sql.indexOf('$', i + 1) > 0
          && sql.substring(i, sql.indexOf('$', i + 1) + 1).matches("\\$[A-Za-z_]*\\$")) {
        String tag = sql.substring(i, sql.indexOf('$', i + 1) + 1);
        int close = sql.indexOf(tag, i + tag.length());
        int end = close < 0 ? sql.length() : close + tag.length();
        out.append(sql, i, end);
        i = end;
      } else {
        out.append(c == '?' ? "??" : String.valueOf(c));
        i++;
      }
    }
    return out.toString();
  }

  /** The operator symbols of regenerated SQL, outside its string literals and quoted names. */
  static Set<String> operators(String sql) {
    var outside = sql.replaceAll("'(?:[^']|'')*'", "''").replaceAll("\"(?:[^\"]|\"\")*\"", "x");
    var found = new LinkedHashSet<String>();
    var m = OPERATOR.matcher(outside);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  private void refuseReached(List<String> relations, List<String> types) throws Refused {
    if (relations.isEmpty() && types.isEmpty()) {
      return;
    }
    var key = List.of(relations, types);
    var functions = reached.get(key);
    if (functions == null) {
      functions = queryReached(relations, types);
      reached.put(key, functions);
    }
    if (!functions.isEmpty()) {
      throw new Refused("reaches " + functions.get(0) + ", which is not built in (through a"
          + " cast, domain, default, view or policy): the planner could run it");
    }
  }

  /**
   * User functions (outside pg_catalog, not an extension's) the named relations and types lead
   * the server to: column defaults, views and rules (through the views they read), row security
   * policies, domain defaults and CHECKs (over the column and cast types, down to base and
   * element types), casts to those types, and implicit casts from them to a built-in type (a
   * superuser's, which any expression could pick). Only IMMUTABLE or STABLE ones can be folded
   * while planning; a domain CHECK counts whatever its volatility (EXECUTE runs it). Refusing
   * more than the planner would run (a domain CHECK over VALUE, a column a SELECT only reads)
   * is the price of not guessing.
   */
  private static final String REACHED = """
      WITH RECURSIVE rel(oid) AS (
          SELECT pg_catalog.to_regclass(n)::oid FROM unnest(?::text[]) n
          WHERE pg_catalog.to_regclass(n) IS NOT NULL
        UNION
          SELECT d.refobjid FROM rel JOIN pg_catalog.pg_rewrite w ON w.ev_class = rel.oid
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass
            AND d.objid = w.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass
      ), typ(oid) AS (
          SELECT t FROM (SELECT pg_catalog.to_regtype(n)::oid AS t FROM unnest(?::text[]) n
            UNION SELECT a.atttypid FROM pg_catalog.pg_attribute a JOIN rel ON a.attrelid = rel.oid
            WHERE a.attnum > 0 AND NOT a.attisdropped) s WHERE t IS NOT NULL
        UNION
          SELECT x FROM typ JOIN pg_catalog.pg_type t ON t.oid = typ.oid,
            LATERAL (VALUES (t.typbasetype), (t.typelem)) v(x) WHERE x <> 0
      ), obj(classid, objid, always) AS (
          SELECT 'pg_catalog.pg_attrdef'::regclass::oid, a.oid, false
          FROM pg_catalog.pg_attrdef a JOIN rel ON a.adrelid = rel.oid
        UNION ALL SELECT 'pg_catalog.pg_rewrite'::regclass::oid, w.oid, false
          FROM pg_catalog.pg_rewrite w JOIN rel ON w.ev_class = rel.oid
        UNION ALL SELECT 'pg_catalog.pg_policy'::regclass::oid, p.oid, false
          FROM pg_catalog.pg_policy p JOIN rel ON p.polrelid = rel.oid
        UNION ALL SELECT 'pg_catalog.pg_constraint'::regclass::oid, c.oid, true
          FROM pg_catalog.pg_constraint c JOIN typ ON c.contypid = typ.oid
      ), fn(oid, always) AS (
          SELECT d.refobjid, obj.always FROM pg_catalog.pg_depend d JOIN obj
            ON d.classid = obj.classid AND d.objid = obj.objid
          WHERE d.refclassid = 'pg_catalog.pg_proc'::regclass
        UNION ALL SELECT o.oprcode::oid, obj.always FROM pg_catalog.pg_depend d JOIN obj
            ON d.classid = obj.classid AND d.objid = obj.objid
          JOIN pg_catalog.pg_operator o ON o.oid = d.refobjid
          WHERE d.refclassid = 'pg_catalog.pg_operator'::regclass
        UNION ALL SELECT d.refobjid, false FROM pg_catalog.pg_depend d
          JOIN typ ON d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = typ.oid
          JOIN pg_catalog.pg_type t ON t.oid = typ.oid
          WHERE d.refclassid = 'pg_catalog.pg_proc'::regclass AND d.refobjid NOT IN (t.typinput,
            t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze)
        UNION ALL SELECT c.castfunc, false FROM pg_catalog.pg_cast c WHERE c.castfunc <> 0
          AND (c.casttarget IN (SELECT oid FROM typ) OR (c.castcontext <> 'e'
            AND c.castsource IN (SELECT oid FROM typ) AND (SELECT t.typnamespace
              FROM pg_catalog.pg_type t WHERE t.oid = c.casttarget) = 'pg_catalog'::regnamespace))
      )
      SELECT DISTINCT p.oid::regprocedure::text FROM fn JOIN pg_catalog.pg_proc p ON p.oid = fn.oid
      WHERE p.pronamespace <> 'pg_catalog'::regnamespace AND (fn.always OR p.provolatile <> 'v')
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
          WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
      ORDER BY 1
      """;

  private List<String> queryReached(List<String> relations, List<String> types) throws Refused {
    Savepoint savepoint = null;
    try {
      savepoint = savepoint();
      try (var ps = connection.prepareStatement(REACHED)) {
        ps.setArray(1, connection.createArrayOf("text", relations.toArray()));
        ps.setArray(2, connection.createArrayOf("text", types.toArray()));
        var found = new ArrayList<String>();
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add(rs.getString(1));
          }
        }
        release(savepoint);
        return found;
      }
    } catch (SQLException e) {
      rollback(savepoint);
      throw new Refused(firstLine(e.getMessage()));
    }
  }

  private boolean isBuiltIn(List<String> name) throws Refused {
    String function = name.get(name.size() - 1);
    if (name.size() > 2 || (name.size() == 2 && !"pg_catalog".equals(name.get(0)))) {
      return false;
    }
    if (name.size() == 1 && SQL_FORMS.contains(function)) {
      return true;
    }
    Boolean known = builtIn.get(function);
    if (known == null) {
      known = queryBuiltIn(function);
      builtIn.put(function, known);
    }
    return known;
  }

  // Built in: defined in pg_catalog and nowhere else, so no search_path can pick another one.
  private boolean queryBuiltIn(String function) throws Refused {
    String sql = "SELECT count(*) FILTER (WHERE p.pronamespace = 'pg_catalog'::regnamespace) > 0"
        + " AND count(*) FILTER (WHERE p.pronamespace <> 'pg_catalog'::regnamespace) = 0"
        + " FROM pg_catalog.pg_proc p WHERE p.proname = ?";
    Savepoint savepoint = null;
    try {
      savepoint = savepoint();
      try (var ps = connection.prepareStatement(sql)) {
        ps.setString(1, function);
        try (var rs = ps.executeQuery()) {
          rs.next();
          boolean result = rs.getBoolean(1);
          release(savepoint);
          return result;
        }
      }
    } catch (SQLException e) {
      rollback(savepoint);
      throw new Refused(firstLine(e.getMessage()));
    }
  }

  /**
   * Sends one statement as one Parse message and returns the first column of its rows. Refuses
   * a session in the simple protocol and a text pgjdbc would split into several messages.
   */
  List<String> send(String sql) throws Refused {
    Savepoint savepoint = null;
    try {
      var pg = connection.unwrap(BaseConnection.class);
      if (pg.getPreferQueryMode() == PreferQueryMode.SIMPLE) {
        throw new Refused("the session uses the simple query protocol, which runs every command"
            + " of a text; refusing to EXPLAIN through it");
      }
      // The same parse (escape processing, parameters) prepareStatement() does below.
      var cached = pg.createQuery(sql, true, true);
      try {
        if (cached.query.getSubqueries() != null) {
          throw new Refused("the driver would send this text as several statements");
        }
      } finally {
        pg.getQueryExecutor().releaseQuery(cached);
      }
      savepoint = savepoint();
      var lines = new ArrayList<String>();
      try (var ps = connection.prepareStatement(sql)) {
        if (ps.execute()) {
          try (var rs = ps.getResultSet()) {
            while (rs.next()) {
              lines.add(rs.getString(1));
            }
          }
        }
      }
      release(savepoint);
      return lines;
    } catch (SQLException e) {
      rollback(savepoint);
      throw new Refused(firstLine(e.getMessage()));
    }
  }

  private void sendQuietly(String sql) {
    try {
      try (var ps = connection.prepareStatement(sql)) {
        ps.execute();
      }
    } catch (SQLException e) {
      // Cleanup of our own prepared statement or setting: the session ends with the analysis.
    }
  }

  private Savepoint savepoint() throws SQLException {
    return connection.getAutoCommit() ? null : connection.setSavepoint();
  }

  private void release(Savepoint savepoint) throws SQLException {
    if (savepoint != null) {
      connection.releaseSavepoint(savepoint);
    }
  }

  private void rollback(Savepoint savepoint) {
    if (savepoint != null) {
      try {
        connection.rollback(savepoint);
      } catch (SQLException ignored) {
        // The original error is the one worth reporting.
      }
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Walks the whole tree (sub-selects, CTEs, joins) for function calls and placeholders. */
  private static final class Calls extends TablesNamesFinder<Void> {
    final QuotedNames.Masked masked;
    final Set<List<String>> functions = new LinkedHashSet<>();
    final Set<String> types = new java.util.TreeSet<>();
    boolean parameters;

    Calls(QuotedNames.Masked masked) {
      this.masked = masked;
    }

    @Override
    public <S> Void visit(Function function, S context) {
      var parts = function.getMultipartName();
      // x = ANY(array), ALL, SOME are SQL constructs the parser shows as calls; a quoted
      // "any"(...) is a real function and is checked like any other.
      if (parts != null && parts.size() == 1 && masked.name(parts.get(0)) == null
          && ARRAY_COMPARISONS.contains(parts.get(0).toLowerCase(Locale.ROOT))) {
        return super.visit(function, context);
      }
      if (parts != null && !parts.isEmpty()) {
        functions.add(parts.stream().map(this::fold).toList());
      }
      return super.visit(function, context);
    }

    @Override
    public <S> Void visit(AnalyticExpression function, S context) {
      functions.add(List.of(fold(function.getName())));
      return super.visit(function, context);
    }

    // JSqlParser 5.3's own visit casts a data-modifying CTE to a SELECT and fails.
    @Override
    public <S> Void visit(WithItem<?> with, S context) {
      var inner = with.getParenthesedStatement();
      if (inner instanceof ParenthesedDelete d) {
        return d.getDelete().accept((StatementVisitor<Void>) this, context);
      }
      if (inner instanceof ParenthesedInsert i) {
        return i.getInsert().accept((StatementVisitor<Void>) this, context);
      }
      if (inner instanceof ParenthesedUpdate u) {
        return u.getUpdate().accept((StatementVisitor<Void>) this, context);
      }
      return super.visit(with, context);
    }

    @Override
    public <S> Void visit(CastExpression cast, S context) {
      if (cast.getColDataType() != null) {
        types.add(masked.restore(cast.getColDataType().toString()));
      }
      return super.visit(cast, context);
    }

    @Override
    public <S> Void visit(JdbcParameter parameter, S context) {
      parameters = true;
      return super.visit(parameter, context);
    }

    @Override
    public <S> Void visit(JdbcNamedParameter parameter, S context) {
      parameters = true;
      return super.visit(parameter, context);
    }

    // PostgreSQL folds unquoted names to lower case; quoted ones are the masked placeholders.
    private String fold(String part) {
      String real = masked.name(part);
      if (real != null) {
        return real;
      }
      if (part.length() >= 2 && part.startsWith("\"") && part.endsWith("\"")) {
        return part.substring(1, part.length() - 1).replace("\"\"", "\"");
      }
      return part.toLowerCase(Locale.ROOT);
    }
  }
}
