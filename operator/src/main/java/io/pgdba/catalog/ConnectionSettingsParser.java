package io.pgdba.catalog;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@link ConnectionSettings} the way libpq does, so that what works with psql works with
 * pgdba: a {@code postgresql://} URI or a {@code key=value} conninfo string first, then the {@code
 * PG*} environment, then the password file ({@code PGPASSFILE} or {@code ~/.pgpass}) for the
 * password, then the defaults (localhost, 5432, the OS user, a database named like the user).
 *
 * <p>{@code application_name} is accepted and ignored: analysis sessions always say {@code pgdba}.
 * Unix-domain sockets, several hosts and libpq options pgdba does not implement (client
 * certificates, service files, ...) are refused with a message rather than silently dropped.
 *
 * <p>The environment, OS user and home directory are passed in so tests need no real ones.
 */
public final class ConnectionSettingsParser {

  /** libpq's sslmode values; libpq's default is prefer. */
  public static final Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  private static final Set<String> SUPPORTED =
      Set.of(
          "host",
          "hostaddr",
          "port",
          "dbname",
          "user",
          "password",
          "sslmode",
          "sslrootcert",
          "connect_timeout",
          "application_name",
          "fallback_application_name");

  // Valid libpq keywords that pgdba does not implement: refused rather than silently ignored.
  private static final Set<String> UNSUPPORTED =
      Set.of(
          "passfile",
          "channel_binding",
          "options",
          "keepalives",
          "keepalives_idle",
          "keepalives_interval",
          "keepalives_count",
          "tcp_user_timeout",
          "replication",
          "gssencmode",
          "sslcert",
          "sslkey",
          "sslpassword",
          "sslcrl",
          "sslcrldir",
          "sslsni",
          "sslcompression",
          "ssl_min_protocol_version",
          "ssl_max_protocol_version",
          "requirepeer",
          "require_auth",
          "krbsrvname",
          "gsslib",
          "gssdelegation",
          "service",
          "target_session_attrs",
          "load_balance_hosts",
          "sslnegotiation",
          "sslcertmode",
          "client_encoding");

  private static final Map<String, String> ENV =
      Map.of(
          "PGHOST", "host",
          "PGHOSTADDR", "hostaddr",
          "PGPORT", "port",
          "PGDATABASE", "dbname",
          "PGUSER", "user",
          "PGPASSWORD", "password",
          "PGSSLMODE", "sslmode",
          "PGSSLROOTCERT", "sslrootcert",
          "PGCONNECT_TIMEOUT", "connect_timeout");

  // scheme: then anything: a URI the user meant, even with a mistyped scheme or slashes.
  private static final java.util.regex.Pattern URI_SHAPED =
      java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");
  private static final String USER_INFO = "[A-Za-z][A-Za-z0-9+.-]*:/*[^:@/\\s]*:";
  private static final java.util.regex.Pattern CONNINFO_PASSWORD =
      java.util.regex.Pattern.compile("password\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'?|\\S+)");
  private static final java.util.regex.Pattern KEYWORD_SHAPED =
      java.util.regex.Pattern.compile("[a-z_]{1,40}");
  // A one- or two-character password would turn every message into asterisks; such a password
  // is not echoed by any message in the first place.
  private static final int MIN_SCRUBBED = 3;

  private final Map<String, String> env;
  private final String osUser;
  private final Path home;
  private final Consumer<String> warnings;

  /**
   * @param env the process environment (PG* variables)
   * @param osUser the default user name
   * @param home the directory holding {@code .pgpass}, null for none
   * @param warnings receives one-line warnings (an ignored password file)
   */
  public ConnectionSettingsParser(
      Map<String, String> env, String osUser, Path home, Consumer<String> warnings) {
    this.env = Map.copyOf(env);
    this.osUser = osUser;
    this.home = home;
    this.warnings = warnings;
  }

  /** A parser over this process's environment, user and home; warnings go to the log. */
  public static ConnectionSettingsParser fromSystem() {
    var log = LoggerFactory.getLogger(ConnectionSettingsParser.class);
    String home = System.getProperty("user.home");
    return new ConnectionSettingsParser(
        System.getenv(),
        System.getProperty("user.name"),
        home == null ? null : Path.of(home),
        log::warn);
  }

  /**
   * Resolves the settings.
   *
   * @param spec a URI, a conninfo string, or null/blank for the environment and defaults alone
   * @throws ConnectionStringException when the spec or a PG* variable is malformed
   */
  public ConnectionSettings parse(String spec) {
    try {
      return parseUnscrubbed(spec);
    } catch (ConnectionStringException e) {
      // Messages name keys, never values; this is the net under that rule, whatever the input.
      String message = e.getMessage();
      for (String secret : secrets(spec, env.get("PGPASSWORD"))) {
        message = message.replace(secret, "********");
      }
      throw new ConnectionStringException(message);
    }
  }

  private ConnectionSettings parseUnscrubbed(String spec) {
    Map<String, String> given = new LinkedHashMap<>();
    if (spec != null && !spec.isBlank()) {
      String s = spec.strip();
      if (!isUri(s) && URI_SHAPED.matcher(s).lookingAt()) {
        // postgresql:/u:pw@h, POSTGRESQL://..., postgres:... are no conninfo: saying "missing
        // '='" would echo the whole text, password included.
        throw new ConnectionStringException("invalid connection URI: it must start with"
            + " postgresql:// or postgres:// (lower case, two slashes)");
      }
      given = isUri(s) ? parseUri(s) : parseConninfo(s);
    }
    var merged = new LinkedHashMap<String, String>();
    ENV.forEach(
        (var, key) -> {
          String v = env.get(var);
          if (v != null && !v.isEmpty()) {
            merged.put(key, v);
          }
        });
    given.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            merged.put(k, v);
          }
        });
    return resolve(merged);
  }

  private ConnectionSettings resolve(Map<String, String> p) {
    String host = p.getOrDefault("host", p.getOrDefault("hostaddr", "localhost"));
    if (host.contains(",")) {
      throw new ConnectionStringException(
          "invalid connection settings: several hosts (a comma in the host) are not supported");
    }
    if (host.startsWith("/") || host.startsWith("@")) {
      throw new ConnectionStringException(
          "invalid connection settings: the host is a Unix-domain socket directory, which pgdba"
              + " does not support: use a TCP host name");
    }
    int port = number("port", p.getOrDefault("port", "5432"), 1, 65535);
    String user = p.getOrDefault("user", osUser);
    String db = p.getOrDefault("dbname", user);
    String sslMode = p.getOrDefault("sslmode", "prefer").toLowerCase(Locale.ROOT);
    if (!SSL_MODES.contains(sslMode)) {
      throw new ConnectionStringException(
          "invalid sslmode: expected disable, allow, prefer, require, verify-ca or verify-full");
    }
    String rootCert = p.get("sslrootcert");
    int timeout = number("connect_timeout", p.getOrDefault("connect_timeout", "0"), 0, 86_400);
    String password = p.get("password");
    if (password == null) {
      password = PgPassFile.lookup(passFile(), host, port, db, user, warnings);
    }
    return new ConnectionSettings(
        host,
        port,
        db,
        user,
        password,
        sslMode,
        rootCert == null ? null : Path.of(rootCert),
        timeout);
  }

  private Path passFile() {
    String f = env.get("PGPASSFILE");
    if (f != null && !f.isEmpty()) {
      return Path.of(f);
    }
    return home == null ? null : home.resolve(".pgpass");
  }

  private static int number(String key, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConnectionStringException(
        "invalid " + key + ": expected a number from " + min + " to " + max);
  }

  static boolean isUri(String s) {
    return s.startsWith("postgresql://") || s.startsWith("postgres://");
  }

  /** {@code postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]}. */
  static Map<String, String> parseUri(String uri) {
    var out = new LinkedHashMap<String, String>();
    String rest = uri.substring(uri.indexOf("://") + 3);
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      throw new ConnectionStringException("invalid connection URI: unexpected \"#\" fragment");
    }
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String path = null;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      path = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
    }
    if (path != null && path.indexOf('@') >= 0) {
      // postgresql:///u:pw@h/db reads as database "u:pw@h/db": refused, not echoed later.
      throw new ConnectionStringException("invalid connection URI: the database name holds an"
          + " \"@\" (a \"/\" too many before user:password@host? write %40 for a real one)");
    }
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      if (colon >= 0) {
        out.put("user", decode(userInfo.substring(0, colon), "user name"));
        out.put("password", decode(userInfo.substring(colon + 1), "password"));
      } else {
        out.put("user", decode(userInfo, "user name"));
      }
    }
    hostPort(rest, out);
    if (path != null && !path.isEmpty()) {
      out.put("dbname", decode(path, "database name"));
    }
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq < 0) {
          throw new ConnectionStringException(
              "invalid connection URI: a parameter has no \"=value\"");
        }
        String key = decode(pair.substring(0, eq), "parameter name");
        String value = decode(pair.substring(eq + 1), "value of " + shown(key));
        out.put(checkKeyword(key, "URI parameter"), value);
      }
    }
    return out;
  }

  private static void hostPort(String hostPort, Map<String, String> out) {
    if (hostPort.isEmpty()) {
      return;
    }
    String host;
    String port = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw new ConnectionStringException(
            "invalid connection URI: missing \"]\" after the IPv6 host");
      }
      host = hostPort.substring(1, close);
      String after = hostPort.substring(close + 1);
      if (after.startsWith(":")) {
        port = after.substring(1);
      } else if (!after.isEmpty()) {
        throw new ConnectionStringException(
            "invalid connection URI: unexpected text after the IPv6 host");
      }
    } else {
      int colon = hostPort.lastIndexOf(':');
      if (colon >= 0) {
        host = hostPort.substring(0, colon);
        port = hostPort.substring(colon + 1);
      } else {
        host = hostPort;
      }
    }
    if (!host.isEmpty()) {
      out.put("host", decode(host, "host"));
    }
    if (port != null) {
      if (!port.chars().allMatch(Character::isDigit) || port.isEmpty()) {
        // The "port" may be a password after a misplaced '/': never echoed.
        throw new ConnectionStringException("invalid connection URI: the port is not a number");
      }
      out.put("port", port);
    }
  }

  private static String decode(String s, String what) {
    try {
      // URLDecoder also turns '+' into a space, which RFC 3986 (and libpq) does not.
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // Never echo the text: it may be the password.
      throw new ConnectionStringException(
          "invalid connection URI: bad percent-encoding in the " + what);
    }
  }

  private static String checkKeyword(String key, String where) {
    if (SUPPORTED.contains(key)) {
      return key;
    }
    if (UNSUPPORTED.contains(key)) {
      throw new ConnectionStringException(
          "connection option \"" + key + "\" (" + where + ") is not supported by pgdba");
    }
    throw new ConnectionStringException(
        "invalid connection option " + shown(key) + " (" + where + ")");
  }

  /** A key as the user typed it, when it looks like one; anything else could be a secret. */
  private static String shown(String key) {
    return KEYWORD_SHAPED.matcher(key).matches() ? "\"" + key + "\"" : "(not a libpq keyword)";
  }

  /**
   * Every text of {@code spec} that is, or may be, a password: the password of anything shaped
   * like a URI (whatever its scheme), conninfo password values, PGPASSWORD. Error messages are
   * scrubbed of them.
   */
  static java.util.List<String> secrets(String spec, String envPassword) {
    var out = new java.util.ArrayList<String>();
    if (envPassword != null && envPassword.length() >= MIN_SCRUBBED) {
      out.add(envPassword);
    }
    if (spec != null) {
      for (String at : new String[] {"([^@\\s]*)@", "(\\S*)@"}) {
        // up to the first '@' and up to the last: a password may hold an '@' of its own
        var userInfo = java.util.regex.Pattern.compile(USER_INFO + at).matcher(spec.strip());
        if (userInfo.lookingAt()) {
          out.add(userInfo.group(1));
          try {
            out.add(URLDecoder.decode(userInfo.group(1).replace("+", "%2B"),
                StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            // the raw form is scrubbed already
          }
        }
      }
      var conninfo = CONNINFO_PASSWORD.matcher(spec);
      while (conninfo.find()) {
        String v = conninfo.group(1);
        out.add(v);
        if (v.startsWith("'")) {
          String inner = v.endsWith("'") && v.length() > 1
              ? v.substring(1, v.length() - 1) : v.substring(1);
          out.add(inner);
          out.add(inner.replace("\\'", "'").replace("\\\\", "\\"));
        }
      }
    }
    out.removeIf(v -> v.length() < MIN_SCRUBBED);
    // Longest first, so that a password is never half-replaced by one of its parts.
    out.sort(java.util.Comparator.comparingInt(String::length).reversed());
    return out;
  }

  /** {@code key=value key2='quoted \' value'}, as libpq's conninfo. */
  static Map<String, String> parseConninfo(String s) {
    var out = new LinkedHashMap<String, String>();
    int i = 0;
    int n = s.length();
    while (true) {
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return out;
      }
      int keyStart = i;
      while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      String key = s.substring(keyStart, i);
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= n || s.charAt(i) != '=') {
        throw new ConnectionStringException("invalid connection string: missing \"=\" after "
            + (SUPPORTED.contains(key) || UNSUPPORTED.contains(key)
                ? "\"" + key + "\"" : "a word at character " + (keyStart + 1)));
      }
      i++;
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      var value = new StringBuilder();
      if (i < n && s.charAt(i) == '\'') {
        i++;
        boolean closed = false;
        while (i < n) {
          char c = s.charAt(i);
          if (c == '\\' && i + 1 < n) {
            value.append(s.charAt(i + 1));
            i += 2;
          } else if (c == '\'') {
            i++;
            closed = true;
            break;
          } else {
            value.append(c);
            i++;
          }
        }
        if (!closed) {
          throw new ConnectionStringException(
              "invalid connection string: unterminated quoted value of " + shown(key));
        }
      } else {
        while (i < n && !Character.isWhitespace(s.charAt(i))) {
          char c = s.charAt(i);
          if (c == '\\' && i + 1 < n) {
            i++;
            c = s.charAt(i);
          }
          value.append(c);
          i++;
        }
      }
      out.put(checkKeyword(key, "connection string"), value.toString());
    }
  }

  /** ~/.pgpass: {@code hostname:port:database:username:password}, {@code *} matching anything. */
  static final class PgPassFile {
    private PgPassFile() {}

    static String lookup(
        Path file, String host, int port, String db, String user, Consumer<String> warnings) {
      if (file == null || !Files.exists(file)) {
        return null;
      }
      if (!Files.isRegularFile(file)) {
        warnings.accept("password file \"" + file + "\" is not a plain file; ignored");
        return null;
      }
      try {
        var perms = Files.getPosixFilePermissions(file);
        var loose =
            EnumSet.of(
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        loose.retainAll(perms);
        if (!loose.isEmpty()) {
          warnings.accept(
              "password file \""
                  + file
                  + "\" has group or world access; permissions should be u=rw (0600) or less;"
                  + " ignored");
          return null;
        }
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: libpq skips the check there too.
      } catch (IOException e) {
        warnings.accept("password file \"" + file + "\" cannot be read; ignored");
        return null;
      }
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.isBlank() || line.startsWith("#")) {
            continue;
          }
          var fields = split(line);
          if (fields == null) {
            continue;
          }
          if (matches(fields[0], host)
              && matches(fields[1], Integer.toString(port))
              && matches(fields[2], db)
              && matches(fields[3], user)) {
            return fields[4];
          }
        }
      } catch (IOException e) {
        warnings.accept("password file \"" + file + "\" cannot be read; ignored");
      }
      return null;
    }

    private static boolean matches(String pattern, String value) {
      return pattern.equals("*") || pattern.equals(value);
    }

    /** Splits on unescaped colons, unescaping {@code \:} and {@code \\}; null if not 5 fields. */
    private static String[] split(String line) {
      var fields = new String[5];
      var cur = new StringBuilder();
      int f = 0;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < line.length()) {
          cur.append(line.charAt(++i));
        } else if (c == ':' && f < 4) {
          fields[f++] = cur.toString();
          cur.setLength(0);
        } else {
          cur.append(c);
        }
      }
      if (f != 4) {
        return null;
      }
      fields[4] = cur.toString();
      return fields;
    }
  }
}
