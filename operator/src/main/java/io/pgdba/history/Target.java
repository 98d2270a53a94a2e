package io.pgdba.history;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A limit on one figure of the queries a selector picks: a fingerprint, or {@code ~regex} on the
 * normalized text (for example {@code ~FROM orders}). Written {@code SELECTOR:METRIC<=LIMIT}, as
 * in {@code 3f2a9c0d1e4b5a67:p95<=50} or {@code ~^select .* from orders:mean<=10}; times in ms.
 */
public record Target(String selector, Metric metric, double limit) {

  public boolean matches(String fingerprint, String query) {
    if (selector.startsWith("~")) {
      return query != null && pattern().matcher(query).find();
    }
    return selector.equals(fingerprint);
  }

  private Pattern pattern() {
    return Pattern.compile(selector.substring(1), Pattern.CASE_INSENSITIVE);
  }

  /** Parses the written form; the message names what is wrong. */
  public static Target parse(String text) {
    int colon = text.lastIndexOf(':');
    int le = text.lastIndexOf("<=");
    if (colon <= 0 || le < colon) {
      throw new IllegalArgumentException("'" + text + "' is not SELECTOR:METRIC<=LIMIT"
          + " (for example ~FROM orders:p95<=50)");
    }
    var selector = text.substring(0, colon).strip();
    var metric = Metric.parse(text.substring(colon + 1, le));
    double limit;
    try {
      limit = Double.parseDouble(text.substring(le + 2).strip().toLowerCase(Locale.ROOT)
          .replaceAll("ms$", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': the limit is not a number");
    }
    if (limit < 0 || Double.isNaN(limit)) {
      throw new IllegalArgumentException("'" + text + "': the limit must be >= 0");
    }
    var target = new Target(selector, metric, limit);
    if (selector.startsWith("~")) {
      try {
        target.pattern();
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("'" + text + "': bad pattern: "
            + Messages.firstLine(e.getDescription()));
      }
    }
    return target;
  }

  @Override
  public String toString() {
    return selector + ":" + metric.name().toLowerCase(Locale.ROOT) + "<=" + limit;
  }
}
