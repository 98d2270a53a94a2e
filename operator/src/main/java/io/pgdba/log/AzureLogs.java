package io.pgdba.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Locale;

/**
 * Azure Database for PostgreSQL's server log as Azure Monitor hands it out, one JSON record a
 * line: the Log Analytics {@code AzureDiagnostics} rows of category {@code PostgreSQLLogs}
 * ({@code Message}, {@code errorLevel_s}, {@code processId_d}, {@code TimeGenerated}), the
 * {@code PGSQLServerLogs} table ({@code Message}, {@code ErrorLevel}, {@code ProcessId}) and the
 * diagnostic settings' archive in a storage account ({@code time}, {@code properties.prefix},
 * {@code properties.message}, {@code properties.errorLevel}). A flexible server's message carries
 * the whole stderr line ({@code 2024-01-15 10:00:00 UTC-65a4f1e0.1a2b-LOG:  ...}, its {@code
 * %t-%c-} prefix), which is kept as it is; a bare message is given the record's time, pid and
 * level, as PostgreSQL would have written them with {@code %m [%p] }. The prefix is then learnt
 * and read as for stderr.
 *
 * <p>PostgreSQL's own jsonlog ({@code error_severity}) is not taken for this: a record needs an
 * {@code errorLevel} or the {@code PostgreSQLLogs} category.
 */
final class AzureLogs {

  private static final JsonFactory JSON = new JsonFactory();

  private AzureLogs() {}

  /** The fields of one record, names folded to lower case without Log Analytics' type suffix. */
  private static final class Fields {
    String message;
    String level;
    String time;
    String pid;
    String prefix;
    boolean postgresCategory;
  }

  /** The stderr line of an Azure record, or null when {@code line} is none. */
  static String unwrap(String line) {
    if (line.isEmpty() || line.charAt(0) != '{') {
      return null;
    }
    var f = new Fields();
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT || !readObject(p, f, true)) {
        return null;
      }
    } catch (IOException e) {
      return null; // broken JSON: the caller counts the line as unparsed
    }
    if (f.message == null || (f.level == null && !f.postgresCategory)) {
      return null;
    }
    if (f.message.startsWith("\t") || Timestamps.looksLikeDateTime(f.message, 0)) {
      return f.message;
    }
    if (f.level == null) {
      return null;
    }
    String level = f.level.toUpperCase(Locale.ROOT);
    if (f.prefix != null && Timestamps.looksLikeDateTime(f.prefix, 0)) {
      // the archive keeps the server's own prefix apart: the line as the server wrote it
      return f.prefix + level + ":  " + f.message;
    }
    String time = f.time == null ? null : CloudLogging.stderrTime(f.time);
    if (time == null) {
      return null;
    }
    return time + (f.pid == null ? "" : " [" + f.pid + "]") + " " + level + ":  " + f.message;
  }

  /** Reads the object the parser is in; true when it closed properly. */
  private static boolean readObject(JsonParser p, Fields f, boolean top) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = key(p.currentName());
      JsonToken value = p.nextToken();
      if (value == JsonToken.START_OBJECT) {
        if (top && name.equals("properties")) {
          if (!readObject(p, f, false)) {
            return false;
          }
        } else {
          p.skipChildren();
        }
        continue;
      }
      if (value == JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      if (value == null) {
        return false;
      }
      String text = value == JsonToken.VALUE_NULL ? null : p.getText();
      if (text == null || text.isEmpty()) {
        continue;
      }
      switch (name) {
        case "message" -> f.message = text;
        case "errorlevel" -> f.level = text;
        case "timegenerated", "time" -> f.time = f.time == null ? text : f.time;
        case "processid" -> f.pid = pid(value, p, text);
        case "prefix" -> f.prefix = text;
        case "category" -> f.postgresCategory = text.equalsIgnoreCase("PostgreSQLLogs");
        default -> {
          // resource ids, tenant, subscription...: not part of a record
        }
      }
    }
    return t == JsonToken.END_OBJECT;
  }

  /** Log Analytics types a pid as a double ({@code processId_d}): 6699.0 is 6699. */
  private static String pid(JsonToken value, JsonParser p, String text) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return d >= 0 && d < Integer.MAX_VALUE && d == Math.rint(d) ? Long.toString((long) d) : null;
    }
    return text.chars().allMatch(Character::isDigit) && text.length() < 10 ? text : null;
  }

  /** {@code errorLevel_s} -> {@code errorlevel}, {@code processId_d} -> {@code processid}. */
  private static String key(String name) {
    String k = name.toLowerCase(Locale.ROOT);
    if (k.length() > 2 && k.charAt(k.length() - 2) == '_'
        && "sdbgtr".indexOf(k.charAt(k.length() - 1)) >= 0) {
      k = k.substring(0, k.length() - 2);
    }
    return k;
  }
}
