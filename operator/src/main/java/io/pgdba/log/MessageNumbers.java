package io.pgdba.log;

/** Figures read out of a server message's text ("wrote 120 buffers", "elapsed: 0.52 s"). */
public final class MessageNumbers {

  private MessageNumbers() {}

  /** The number right after {@code label} in {@code m}, 0 when absent or unreadable. */
  public static double after(String m, String label) {
    int at = m.indexOf(label);
    if (at < 0) {
      return 0;
    }
    int start = at + label.length();
    int end = start;
    while (end < m.length() && (Character.isDigit(m.charAt(end)) || m.charAt(end) == '.')) {
      end++;
    }
    try {
      return end == start ? 0 : Double.parseDouble(m.substring(start, end));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
