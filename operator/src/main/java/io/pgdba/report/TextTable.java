package io.pgdba.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: numeric columns right-aligned, the last column (usually the query) left
 * as is, so long text does not push the figures out of line.
 */
final class TextTable {

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  TextTable row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("expected " + headers.size() + " cells");
    }
    rows.add(List.of(cells));
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void appendTo(StringBuilder out, String indent) {
    int cols = headers.size();
    var widths = new int[cols];
    for (int c = 0; c < cols; c++) {
      widths[c] = headers.get(c).length();
      for (var r : rows) {
        widths[c] = Math.max(widths[c], r.get(c).length());
      }
    }
    line(out, indent, headers, widths);
    for (var r : rows) {
      line(out, indent, r, widths);
    }
  }

  private static void line(StringBuilder out, String indent, List<String> cells, int[] widths) {
    var sb = new StringBuilder(indent);
    int last = cells.size() - 1;
    for (int c = 0; c < last; c++) {
      var cell = cells.get(c);
      sb.append(" ".repeat(widths[c] - cell.length())).append(cell).append("  ");
    }
    sb.append(cells.get(last));
    out.append(sb.toString().stripTrailing()).append('\n');
  }
}
