package io.pgdba.apply;

import io.pgdba.apply.ApplyOutcome.Result;
import io.pgdba.catalog.ConnectionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Builds and drops indexes on the target the safe way: {@code CONCURRENTLY}, with a
 * {@code lock_timeout}, and with the catalog read before and after, so that a repeated call (an
 * operator restart in the middle) never builds twice and a failed build never leaves an invalid
 * index behind. A build may wait for older transactions (that blocks nobody) up to the build
 * timeout, but for the table's lock (which queues the table's writers behind it) only up to the
 * lock timeout; {@link BuildWatch} tells the two apart.
 */
public final class IndexApplier {

  static final String APPLICATION_NAME = "pgdba-apply";

  private static final Pattern CREATE =
      Pattern.compile("(?is)^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s.+");
  private static final Pattern DROP =
      Pattern.compile("(?is)^\\s*DROP\\s+INDEX\\s+CONCURRENTLY\\s.+");

  /** How long a build may wait for older transactions unless told otherwise. */
  public static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofHours(1);

  private final Duration lockTimeout;
  private final Duration buildTimeout;

  public IndexApplier(Duration lockTimeout) {
    this(lockTimeout, DEFAULT_BUILD_TIMEOUT);
  }

  /**
   * @param lockTimeout longest wait for a lock on the table (it queues the table's writers)
   * @param buildTimeout longest wait for older transactions to end during a build
   */
  public IndexApplier(Duration lockTimeout, Duration buildTimeout) {
    this.lockTimeout = lockTimeout;
    this.buildTimeout = buildTimeout;
  }

  /** Runs {@code target.statement()}, a CREATE INDEX CONCURRENTLY, unless the index is there. */
  public ApplyOutcome create(ConnectionSettings settings, IndexTarget target) throws SQLException {
    return create(settings, target, wait -> {});
  }

  /**
   * As {@link #create(ConnectionSettings, IndexTarget)}, telling {@code waits} what the build
   * waits for whenever that changes (null when it stops waiting).
   */
  public ApplyOutcome create(
      ConnectionSettings settings, IndexTarget target, Consumer<BuildWait> waits)
      throws SQLException {
    String statement = checkedStatement(target.statement(), CREATE, "CREATE INDEX CONCURRENTLY");
    try (var c = open(settings)) {
      var catalog = new IndexCatalog(c);
      String qualified = catalog.qualifiedName(target.schema(), target.indexName());
      switch (catalog.state(target.schema(), target.indexName())) {
        case VALID:
          return new ApplyOutcome(
              Result.ALREADY_PRESENT, qualified, "index " + qualified + " already exists and is"
                  + " valid", null, false);
        case BUILDING:
          return new ApplyOutcome(
              Result.IN_PROGRESS_ELSEWHERE, qualified, "another session is building " + qualified,
              null, false);
        case INVALID:
          // A leftover of an interrupted build (ours before a restart, or anyone's): the build
          // below would skip it (IF NOT EXISTS) or fail on it, so it goes first.
          catalog.dropConcurrently(target.schema(), target.indexName());
          break;
        default:
          break;
      }
      BuildWait lastWait;
      BuildWatch.Cancel cancelled;
      SQLException failure = null;
      try (var st = c.createStatement()) {
        int pid = backendPid(c);
        // The watch enforces both bounds; the server's lock_timeout is only the backstop for a
        // watch that could not run (or an operator that died mid-build).
        setLockTimeout(c, buildTimeout.plus(lockTimeout));
        BuildWatch watch = null;
        try {
          watch = new BuildWatch(settings, pid, st, lockTimeout, buildTimeout, waits,
              Clock.systemUTC());
        } catch (SQLException e) {
          setLockTimeout(c, lockTimeout); // no second session: the old, strict behaviour
        }
        try {
          st.execute(statement);
        } catch (SQLException e) {
          failure = e;
        } finally {
          if (watch != null) {
            watch.close();
          }
        }
        cancelled = watch == null ? null : watch.cancelled();
        lastWait = watch == null ? null : watch.lastWait();
      }
      setLockTimeout(c, lockTimeout); // for the drops below
      if (failure != null) {
        return buildFailed(catalog, target, qualified, failure, cancelled, lastWait);
      }
      var after = catalog.state(target.schema(), target.indexName());
      if (after == IndexState.VALID) {
        return new ApplyOutcome(
            Result.BUILT, qualified, "built " + qualified, null, false, lastWait);
      }
      return failed(
          catalog, target, qualified,
          "the statement succeeded but " + qualified + " is " + after.name().toLowerCase(), null);
    }
  }

  /**
   * Drops an invalid leftover of {@code target} if there is one; returns true when none is left.
   * Called again on later reconciles when a lock held on the table made the first drop time out.
   */
  public boolean dropInvalidLeftover(ConnectionSettings settings, IndexTarget target)
      throws SQLException {
    try (var c = open(settings)) {
      var catalog = new IndexCatalog(c);
      if (catalog.state(target.schema(), target.indexName()) == IndexState.INVALID) {
        if (catalog.partitioned(target.schema(), target.indexName())) {
          // A parent's script stopped half-way: CONCURRENTLY is refused on a partitioned index;
          // the plain drop takes the partitions' indexes with it, under the lock timeout.
          try (var st = c.createStatement()) {
            st.execute("DROP INDEX IF EXISTS "
                + catalog.qualifiedName(target.schema(), target.indexName()));
          }
        } else {
          catalog.dropConcurrently(target.schema(), target.indexName());
        }
      }
      var state = catalog.state(target.schema(), target.indexName());
      return state != IndexState.INVALID && state != IndexState.BUILDING;
    }
  }

  /** Runs {@code target.statement()}, a DROP INDEX CONCURRENTLY, if the index is there. */
  public ApplyOutcome drop(ConnectionSettings settings, IndexTarget target) throws SQLException {
    boolean parent = target.statement() != null
        && PARENT_DROP.matcher(target.statement().strip().replaceAll(";+$", "")).matches();
    String statement = parent
        ? checkedStatement(target.statement(), PARENT_DROP, "DROP INDEX IF EXISTS")
        : checkedStatement(target.statement(), DROP, "DROP INDEX CONCURRENTLY");
    try (var c = open(settings)) {
      var catalog = new IndexCatalog(c);
      // DROP INDEX without CONCURRENTLY locks the table for the whole drop: only a partitioned
      // index (which refuses CONCURRENTLY and drops fast) may be dropped that way.
      if (parent && !catalog.partitioned(target.schema(), target.indexName())) {
        throw new IllegalArgumentException("DROP INDEX without CONCURRENTLY is only for the"
            + " index of a partitioned table");
      }
      String qualified = catalog.qualifiedName(target.schema(), target.indexName());
      var before = catalog.state(target.schema(), target.indexName());
      if (before == IndexState.ABSENT) {
        return new ApplyOutcome(
            Result.ALREADY_ABSENT, qualified, "index " + qualified + " does not exist", null,
            false);
      }
      if (before == IndexState.BUILDING) {
        return new ApplyOutcome(
            Result.IN_PROGRESS_ELSEWHERE, qualified, "another session is building " + qualified,
            null, false);
      }
      try (var st = c.createStatement()) {
        st.execute(statement);
      } catch (SQLException e) {
        return new ApplyOutcome(Result.FAILED, qualified, oneLine(e), e.getSQLState(), false);
      }
      var after = catalog.state(target.schema(), target.indexName());
      if (after == IndexState.ABSENT) {
        return new ApplyOutcome(Result.DROPPED, qualified, "dropped " + qualified, null, false);
      }
      return new ApplyOutcome(
          Result.FAILED, qualified,
          "the statement succeeded but " + qualified + " still exists", null, false);
    }
  }

  // A name as Identifiers writes it: a double-quoted name ("" inside) or a plain lower-case one.
  private static final String IDENT = "(?:\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)";
  private static final String QUALIFIED = IDENT + "(?:\\." + IDENT + ")?";
  private static final Pattern PARENT_CREATE = Pattern.compile("(?is)^\\s*CREATE\\s+"
      + "(UNIQUE\\s+)?INDEX\\s+IF\\s+NOT\\s+EXISTS\\s+(" + IDENT + ")\\s+ON\\s+ONLY\\s+("
      + QUALIFIED + ")\\s.+");
  private static final Pattern PARTITION_CREATE = Pattern.compile("(?is)^\\s*CREATE\\s+"
      + "(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s+IF\\s+NOT\\s+EXISTS\\s+(" + IDENT + ")\\s+ON\\s+("
      + QUALIFIED + ")\\s.+");
  private static final Pattern ATTACH = Pattern.compile("(?is)^\\s*ALTER\\s+INDEX\\s+("
      + QUALIFIED + ")\\s+ATTACH\\s+PARTITION\\s+(" + QUALIFIED + ")\\s*");
  private static final Pattern PARENT_DROP = Pattern.compile("(?is)^\\s*DROP\\s+INDEX\\s+IF\\s+"
      + "EXISTS\\s+(" + QUALIFIED + ")\\s*");

  /** True when {@code ddl} is a partitioned parent's script (ON ONLY, builds, attaches). */
  public static boolean isParentScript(String ddl) {
    return ddl != null && PARENT_CREATE.matcher(ddl.strip()).lookingAt()
        && ddl.contains(" ON ONLY ");
  }

  /**
   * Builds a partitioned parent's index from its script: CREATE INDEX ... ON ONLY the parent,
   * then per partition a CREATE INDEX CONCURRENTLY (through {@link #create}, so a valid
   * partition index is kept and attached, not rebuilt, and an invalid one is dropped first) and
   * its ALTER INDEX ... ATTACH PARTITION. The script is user-editable text: every statement is
   * checked alone by the single-statement check and must have exactly this shape, with names as
   * Identifiers writes them, attaching to this parent's index the partition index built just
   * before. A script stopped half-way leaves the parent's index INVALID (no query uses it; it
   * blocks nothing) and says so: applying again finishes it, the rollback removes it.
   */
  public ApplyOutcome createOnParent(ConnectionSettings settings, IndexTarget target,
      Consumer<BuildWait> waits) throws SQLException {
    var pieces = splitScript(target.statement());
    if (pieces.size() < 3 || pieces.size() % 2 == 0) {
      throw new IllegalArgumentException("the partitioned index script must be one CREATE INDEX"
          + " ... ON ONLY, then a CREATE INDEX CONCURRENTLY and an ALTER INDEX ... ATTACH"
          + " PARTITION per partition");
    }
    String parentSql = checkedStatement(pieces.get(0), PARENT_CREATE, "CREATE INDEX ... ON ONLY");
    var pm = PARENT_CREATE.matcher(parentSql);
    pm.matches();
    String parentName = unquote(pm.group(2));
    String[] parentTable = qualifiedParts(pm.group(3));
    if (!parentName.equals(target.indexName())
        || target.schema() != null && !target.schema().equals(parentTable[0])) {
      throw new IllegalArgumentException("the script's parent index " + parentName
          + " is not the recommendation's " + target.indexName());
    }
    var builds = new java.util.ArrayList<String>();
    var attaches = new java.util.ArrayList<String>();
    var partIndexes = new java.util.ArrayList<String[]>();
    for (int i = 1; i < pieces.size(); i += 2) {
      String build = checkedStatement(pieces.get(i), PARTITION_CREATE,
          "CREATE INDEX CONCURRENTLY IF NOT EXISTS");
      var bm = PARTITION_CREATE.matcher(build);
      bm.matches();
      String[] table = qualifiedParts(bm.group(3));
      String[] index = {table[0], unquote(bm.group(2))};
      String attach = checkedStatement(pieces.get(i + 1), ATTACH, "ALTER INDEX ... ATTACH"
          + " PARTITION");
      var am = ATTACH.matcher(attach);
      am.matches();
      String[] to = qualifiedParts(am.group(1));
      String[] attached = qualifiedParts(am.group(2));
      if (!to[1].equals(parentName) || !java.util.Objects.equals(to[0], parentTable[0])
          || !attached[1].equals(index[1]) || !java.util.Objects.equals(attached[0], index[0])) {
        throw new IllegalArgumentException("statement " + (i + 2) + " of the script must attach"
            + " the index built by statement " + (i + 1) + " to " + parentName);
      }
      builds.add(build);
      attaches.add(attach);
      partIndexes.add(index);
    }
    String qualified;
    try (var c = open(settings)) {
      var catalog = new IndexCatalog(c);
      qualified = catalog.qualifiedName(target.schema(), target.indexName());
      if (catalog.state(target.schema(), target.indexName()) == IndexState.VALID) {
        return new ApplyOutcome(Result.ALREADY_PRESENT, qualified, "index " + qualified
            + " already exists and is valid", null, false);
      }
      try (var st = c.createStatement()) {
        st.execute(parentSql);
      } catch (SQLException e) {
        return new ApplyOutcome(Result.FAILED, qualified, oneLine(e), e.getSQLState(), false);
      }
    }
    BuildWait lastWait = null;
    for (int i = 0; i < builds.size(); i++) {
      String[] index = partIndexes.get(i);
      var outcome = create(settings, new IndexTarget(index[0], index[1], builds.get(i)), waits);
      lastWait = outcome.lastWait() != null ? outcome.lastWait() : lastWait;
      String attachFailure = null;
      if (outcome.succeeded()) {
        try (var c = open(settings); var st = c.createStatement()) {
          st.execute(attaches.get(i));
        } catch (SQLException e) {
          attachFailure = oneLine(e);
        }
      }
      if (!outcome.succeeded() || attachFailure != null) {
        String why = attachFailure != null ? "attaching " + outcome.qualifiedIndexName()
            + " failed: " + attachFailure : outcome.message();
        return new ApplyOutcome(outcome.result() == Result.FAILED ? Result.FAILED_INVALID_LEFT
            : outcome.result(), qualified, "partition index " + (i + 1) + " of "
            + builds.size() + ": " + why + "; the parent's index " + qualified + " is INVALID"
            + " (no query uses it) with " + i + " of " + builds.size() + " partitions attached:"
            + " apply again to finish it, or roll back", outcome.sqlState(),
            outcome.invalidIndexDropped(), lastWait);
      }
    }
    try (var c = open(settings)) {
      var after = new IndexCatalog(c).state(target.schema(), target.indexName());
      if (after == IndexState.VALID) {
        return new ApplyOutcome(Result.BUILT, qualified, "built " + qualified + " on "
            + builds.size() + " partitions", null, false, lastWait);
      }
      return new ApplyOutcome(Result.FAILED_INVALID_LEFT, qualified, "every partition's index"
          + " is attached but " + qualified + " is " + after.name().toLowerCase()
          + " (a partition the script does not name?): apply again or roll back", null, false,
          lastWait);
    }
  }

  /** The statements of a script, split at each ';' outside quotes (the check reads each). */
  static java.util.List<String> splitScript(String script) {
    if (script == null) {
      throw new IllegalArgumentException("no DDL statement given");
    }
    var out = new java.util.ArrayList<String>();
    int start = 0;
    char quote = 0;
    for (int i = 0; i < script.length(); i++) {
      char c = script.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
            i++;
          } else {
            quote = 0;
          }
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == ';') {
        out.add(script.substring(start, i));
        start = i + 1;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("the DDL has an unterminated quote");
    }
    if (!script.substring(start).isBlank()) {
      out.add(script.substring(start));
    }
    return out;
  }

  /** Schema (null when unqualified) and name of a checked qualified name. */
  private static String[] qualifiedParts(String qualified) {
    var m = Pattern.compile("(" + IDENT + ")(?:\\.(" + IDENT + "))?").matcher(qualified);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a name: " + qualified);
    }
    return m.group(2) == null ? new String[] {null, unquote(m.group(1))}
        : new String[] {unquote(m.group(1)), unquote(m.group(2))};
  }

  private static String unquote(String ident) {
    return ident.startsWith("\"")
        ? ident.substring(1, ident.length() - 1).replace("\"\"", "\"")
        : ident.toLowerCase(java.util.Locale.ROOT);
  }

  /** The catalog state of an index, for callers that only look. */
  public IndexState state(ConnectionSettings settings, String schema, String indexName)
      throws SQLException {
    try (var c = open(settings)) {
      return new IndexCatalog(c).state(schema, indexName);
    }
  }

  private Connection open(ConnectionSettings settings) throws SQLException {
    var c = TargetConnections.open(settings, APPLICATION_NAME);
    try {
      setLockTimeout(c, lockTimeout);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private static void setLockTimeout(Connection c, Duration timeout) throws SQLException {
    try (var ps = c.prepareStatement("SELECT set_config('lock_timeout', ?, false)")) {
      ps.setString(1, Math.max(1, timeout.toMillis()) + "ms");
      ps.execute();
    }
  }

  private static int backendPid(Connection c) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Tells why a build failed. The table's lock not granted in time (cancelled by the watch, or
   * the server's lock_timeout before any catalog entry existed) is worth a retry; a build that
   * waited past the build timeout, or any other error, is a failure. Either way an invalid index
   * it left is dropped.
   */
  private ApplyOutcome buildFailed(IndexCatalog catalog, IndexTarget target, String qualified,
      SQLException e, BuildWatch.Cancel why, BuildWait lastWait) throws SQLException {
    var state = catalog.state(target.schema(), target.indexName());
    boolean tableLock = why == BuildWatch.Cancel.TABLE_LOCK
        || why == null && "55P03".equals(e.getSQLState()) && state == IndexState.ABSENT;
    String held = lastWait == null || lastWait.blockingPids().isEmpty() ? ""
        : " (held by pid " + pidList(lastWait) + ")";
    if (tableLock && state == IndexState.ABSENT) {
      return new ApplyOutcome(Result.LOCK_NOT_AVAILABLE, qualified,
          "the lock on the table was not granted within lock_timeout " + lockTimeout.toMillis()
              + " ms" + held + "; nothing was built", e.getSQLState(), false, lastWait);
    }
    String message = why == BuildWatch.Cancel.BUILD_TIMEOUT
        ? "the build waited longer than its timeout (" + buildTimeout.toSeconds() + " s) for"
            + " older transactions to end" + (held.isEmpty() ? "" : " (pid "
            + pidList(lastWait) + ")")
        : why == BuildWatch.Cancel.TABLE_LOCK
            ? "the lock on the table was not granted within lock_timeout "
                + lockTimeout.toMillis() + " ms" + held
            : oneLine(e);
    var outcome = failed(catalog, target, qualified, message, e.getSQLState());
    return new ApplyOutcome(outcome.result(), qualified, outcome.message(), outcome.sqlState(),
        outcome.invalidIndexDropped(), lastWait);
  }

  private static String pidList(BuildWait wait) {
    return String.join(", ", wait.blockingPids().stream().map(String::valueOf).toList());
  }

  /**
   * A failed concurrent build can leave an invalid index, which still costs every write: it is
   * dropped at once, or, when the drop itself cannot get its lock in time, reported as left over.
   */
  private static ApplyOutcome failed(
      IndexCatalog catalog, IndexTarget target, String qualified, String why, String sqlState)
      throws SQLException {
    if (catalog.state(target.schema(), target.indexName()) != IndexState.INVALID) {
      return new ApplyOutcome(Result.FAILED, qualified, why, sqlState, false);
    }
    try {
      catalog.dropConcurrently(target.schema(), target.indexName());
      return new ApplyOutcome(
          Result.FAILED, qualified, why + " (the invalid index was dropped)", sqlState, true);
    } catch (SQLException e) {
      return new ApplyOutcome(
          Result.FAILED_INVALID_LEFT, qualified,
          why + " (the invalid index is left until it can be dropped: " + oneLine(e) + ")",
          sqlState, false);
    }
  }

  /**
   * The spec's DDL is user-editable text run with DDL credentials: only one statement of the
   * expected kind is accepted, so an edited spec cannot smuggle in anything else.
   */
  static String checkedStatement(String statement, Pattern kind, String expected) {
    if (statement == null) {
      throw new IllegalArgumentException("no DDL statement given");
    }
    String trimmed = statement.strip();
    while (trimmed.endsWith(";")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
    }
    String outside = outsideQuotes(trimmed);
    if (outside == null || outside.contains(";")) {
      throw new IllegalArgumentException("the DDL must be a single statement (found ';')");
    }
    if (outside.contains("--") || outside.contains("/*") || outside.contains("$")) {
      throw new IllegalArgumentException(
          "the DDL must hold no comment or dollar quote outside its literals");
    }
    if (!kind.matcher(trimmed).matches()) {
      throw new IllegalArgumentException("the DDL must be a " + expected + " statement");
    }
    return trimmed;
  }

  /**
   * The statement with the content of its string literals and quoted names blanked, or null
   * when it cannot be read with certainty. Only what is certain passes: a backslash in a plain
   * literal (whose meaning depends on standard_conforming_strings) or an unterminated quote
   * makes it null, and the caller refuses comments and dollar quotes outside, whose quotes
   * would not be quotes to the server. So a ';' inside a literal (a jsonb key the advice indexes
   * by) is allowed and a ';' anywhere the server would read as a separator is not.
   */
  static String outsideQuotes(String sql) {
    var out = new StringBuilder(sql.length());
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c != '\'' && c != '"') {
        out.append(c);
        i++;
        continue;
      }
      boolean escapeString = c == '\'' && i > 0 && (sql.charAt(i - 1) == 'E'
          || sql.charAt(i - 1) == 'e') && (i < 2 || !identifierChar(sql.charAt(i - 2)));
      int j = i + 1;
      boolean closed = false;
      while (j < sql.length()) {
        char d = sql.charAt(j);
        if (d == '\\' && c == '\'') {
          if (!escapeString) {
            return null;
          }
          j += 2;
          continue;
        }
        if (d == c) {
          if (j + 1 < sql.length() && sql.charAt(j + 1) == c) {
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) {
        return null;
      }
      out.append(c).append(c);
      i = j + 1;
    }
    return out.toString();
  }

  private static boolean identifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
  }

  static String oneLine(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return (e.getSQLState() == null ? "" : "SQLSTATE " + e.getSQLState() + ": ") + m.strip();
  }
}
