package io.pgdba.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Google Cloud SQL's log as Cloud Logging exports it: one JSON entry per line, the server's stderr
 * line in {@code textPayload}. Two forms are met: the older one drops the time from the payload
 * ({@code "[24667]: [1-1] db=app,user=bob LOG:  ..."}, the time being the entry's {@code
 * timestamp}), the newer one keeps the whole stderr line ({@code "2024-03-01 10:00:00.123 UTC
 * [24667]: [1-1] db=app,user=bob LOG:  ..."}). Either is rewritten as the stderr line, so that the
 * prefix is then learnt and read as for stderr. The continuation lines of a message come as entries
 * of their own whose payload starts with the tab PostgreSQL indents with.
 *
 * <p>One entry gives one line, whatever its payload holds: a newline inside a payload stays inside
 * that record's text, so a payload cannot forge a record of its own.
 */
final class CloudLogging {

  private static final JsonFactory JSON = new JsonFactory();

  private CloudLogging() {}

  /** The stderr line inside a Cloud Logging entry, or null when {@code line} is none. */
  static String unwrap(String line) {
    if (line.isEmpty() || line.charAt(0) != '{' || !line.contains("\"textPayload\"")) {
      return null;
    }
    String payload = null;
    String time = null;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          p.skipChildren();
        } else if (value == JsonToken.VALUE_STRING) {
          if (name.equals("textPayload")) {
            payload = p.getText();
          } else if (name.equals("timestamp")) {
            time = p.getText();
          }
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return null;
      }
    } catch (IOException e) {
      return null; // broken JSON: the caller counts the line as unparsed
    }
    if (payload == null) {
      return null;
    }
    if (payload.startsWith("\t") || Timestamps.looksLikeDateTime(payload, 0)) {
      return payload;
    }
    String stderrTime = time == null ? null : stderrTime(time);
    // without a usable time the payload is left to fail the prefix, and be counted
    return stderrTime == null ? payload : stderrTime + " " + payload;
  }

  /** {@code 2020-05-02T13:00:20.382318Z} as PostgreSQL writes it, with the zone it would write. */
  static String stderrTime(String iso) {
    if (!Timestamps.looksLikeDateTime(iso, 0)) {
      return null;
    }
    int i = 19;
    if (i < iso.length() && iso.charAt(i) == '.') {
      i++;
      while (i < iso.length() && Timestamps.isDigit(iso.charAt(i))) {
        i++;
      }
    }
    String zone = iso.substring(i);
    String local = iso.substring(0, 10) + " " + iso.substring(11, i);
    if (zone.equals("Z") || zone.isEmpty()) {
      return local + " UTC";
    }
    if ((zone.charAt(0) == '+' || zone.charAt(0) == '-') && zone.length() <= 6) {
      return local + " " + zone;
    }
    return null;
  }
}
