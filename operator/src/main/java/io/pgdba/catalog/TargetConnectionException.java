package io.pgdba.catalog;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Why the target could not be used, as one line for a person: {@code cannot connect to
 * db.example:5432: connection refused}, {@code authentication failed for user "app"}. The message
 * never contains the password (it is scrubbed even if a driver message ever echoed it).
 */
public final class TargetConnectionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for callers that react differently (retry on UNREACHABLE, not on auth). */
  public enum Reason {
    UNREACHABLE,
    AUTHENTICATION_FAILED,
    DATABASE_MISSING,
    PRIVILEGE_MISSING,
    TIMEOUT,
    SSL,
    OTHER
  }

  private final Reason reason;
  private final String sqlState;

  public TargetConnectionException(Reason reason, String message, String sqlState) {
    super(message);
    this.reason = reason;
    this.sqlState = sqlState;
  }

  public Reason reason() {
    return reason;
  }

  /** The SQLSTATE behind the error, null when the driver gave none. */
  public String sqlState() {
    return sqlState;
  }

  /**
   * Classifies an error of connecting to, or querying, the target. The driver exception is not
   * kept as the cause: its text and stack would be printed by careless callers, and everything a
   * person needs is in the one line.
   */
  public static TargetConnectionException from(SQLException e, ConnectionSettings target) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String where = hostPort(target);
    String server = firstLine(e.getMessage());
    Throwable root = rootCause(e);
    Throwable ssl = sslCause(e);
    Reason reason;
    String message;
    if (ssl != null || mentionsSsl(server)) {
      reason = Reason.SSL;
      message =
          "cannot connect to "
              + where
              + " with sslmode="
              + target.sslMode()
              + ": "
              + (ssl != null
                  ? sslProblem(ssl)
                  : server.contains("could not be verified")
                      ? "the server certificate does not name host " + target.host()
                      : server);
    } else if (state.startsWith("28")) {
      reason = Reason.AUTHENTICATION_FAILED;
      message = "authentication failed for user \"" + target.user() + "\"";
      if (state.equals("28000") || server.contains("no pg_hba.conf entry")) {
        message += ": " + stripSeverity(server);
      } else if (target.password() == null && server.contains("no password was provided")) {
        message += ": no password given (use the URI, PGPASSWORD or ~/.pgpass)";
      }
    } else if (state.equals("3D000")) {
      reason = Reason.DATABASE_MISSING;
      message = "database \"" + target.database() + "\" does not exist on " + where;
    } else if (state.equals("42501")) {
      reason = Reason.PRIVILEGE_MISSING;
      message =
          "missing privilege for user \"" + target.user() + "\" on " + where + ": "
              + stripSeverity(server);
    } else if (state.equals("57014") || state.equals("55P03")) {
      reason = Reason.TIMEOUT;
      message =
          (state.equals("55P03") ? "lock timeout" : "statement timeout")
              + " on "
              + where
              + ": "
              + stripSeverity(server);
    } else if (root instanceof SocketTimeoutException) {
      reason = Reason.TIMEOUT;
      message = "cannot connect to " + where + ": timed out";
    } else if (state.startsWith("08")
        || root instanceof ConnectException
        || root instanceof UnknownHostException
        || root instanceof NoRouteToHostException) {
      reason = Reason.UNREACHABLE;
      message = "cannot connect to " + where + ": " + networkProblem(root, server);
    } else {
      reason = Reason.OTHER;
      message = "error on " + where + ": " + stripSeverity(server);
    }
    return new TargetConnectionException(reason, scrub(message, target.password()), state);
  }

  private static String networkProblem(Throwable root, String server) {
    if (root instanceof UnknownHostException) {
      return "unknown host";
    }
    if (root instanceof ConnectException) {
      String m = root.getMessage() == null ? "" : root.getMessage().toLowerCase(Locale.ROOT);
      return m.contains("refused") ? "connection refused" : firstLine(root.getMessage());
    }
    if (root instanceof NoRouteToHostException) {
      return "no route to host";
    }
    return server;
  }

  private static boolean mentionsSsl(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("ssl")
        || m.contains("certificate")
        || (m.contains("hostname") && m.contains("could not be verified"));
  }

  private static Throwable sslCause(Throwable t) {
    for (Throwable cur = t; cur != null && cur.getCause() != cur; cur = cur.getCause()) {
      if (cur instanceof SSLException) {
        return cur;
      }
    }
    return null;
  }

  // The JSSE message of an untrusted certificate is a paragraph; say it in words a DBA knows.
  private static String sslProblem(Throwable ssl) {
    String m = firstLine(ssl.getMessage());
    if (m.contains("PKIX path")) {
      return "the server certificate is not signed by the given CA (sslrootcert)";
    }
    return m;
  }

  static String hostPort(ConnectionSettings target) {
    String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
    return host + ":" + target.port();
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cur = t;
    while (cur.getCause() != null && cur.getCause() != cur) {
      cur = cur.getCause();
    }
    return cur;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl >= 0 ? s.substring(0, nl) : s).strip();
  }

  private static String stripSeverity(String s) {
    for (String p : new String[] {"FATAL: ", "ERROR: "}) {
      if (s.startsWith(p)) {
        return s.substring(p.length());
      }
    }
    return s;
  }

  static String scrub(String message, String password) {
    if (password == null || password.isEmpty()) {
      return message;
    }
    return message.replace(password, "********");
  }
}
