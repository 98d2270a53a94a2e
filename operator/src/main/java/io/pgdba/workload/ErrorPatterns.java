package io.pgdba.workload;

/**
 * Groups error messages that differ only by what they quote or count: quoted text becomes {@code
 * "..."} or {@code '...'}, numbers {@code N}, and the {@code at character N} position goes. So
 * {@code relation "a" does not exist} and {@code relation "b" does not exist} are one pattern.
 * Linear in the message, on at most its first {@link #MAX_CHARS} characters.
 */
final class ErrorPatterns {

  static final int MAX_CHARS = 1000;

  private ErrorPatterns() {}

  static String normalize(String message) {
    String m = message.length() > MAX_CHARS ? message.substring(0, MAX_CHARS) : message;
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    var sb = new StringBuilder(m.length());
    int n = m.length();
    for (int i = 0; i < n; i++) {
      char c = m.charAt(i);
      if (c == '"' || c == '\'') {
        int end = m.indexOf(c, i + 1);
        if (end < 0) {
          sb.append(c).append("...");
          break;
        }
        sb.append(c).append("...").append(c);
        i = end;
      } else if (Character.isDigit(c)
          && (i == 0 || !Character.isLetterOrDigit(m.charAt(i - 1)) && m.charAt(i - 1) != '_')) {
        int j = i;
        while (j < n && (Character.isDigit(m.charAt(j)) || m.charAt(j) == '.')) {
          j++;
        }
        sb.append('N');
        i = j - 1;
      } else if (Character.isISOControl(c)) {
        sb.append(' ');
      } else {
        sb.append(c);
      }
    }
    String s = sb.toString();
    int at = s.lastIndexOf(" at character N");
    if (at >= 0 && at + 15 == s.length()) {
      s = s.substring(0, at);
    }
    return s.strip();
  }
}
