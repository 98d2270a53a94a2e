package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Parameters#parse} compares characters where it called {@code startsWith} (the workload
 * thread parses every logged parameter list): on any DETAIL text, hostile or cut short, the values
 * must be those of the parser as it was, kept below verbatim as the reference.
 */
class ParametersDifferentialTest {

  private static final List<String> FRAGMENTS = List.of(
      "Parameters: ", "parameters: ", "$1", "$2", "$10", " = ", "=", " =", "= ", "NULL", "NUL",
      "NULLx", "null", "'a'", "'a''b'", "''", "'", "'x, $2 = 1'", ", ", ",", " ", ", $", "1",
      "-1.5", "true", "'\u00e9'", "\u0000", "\n", "\r", "$", "E'\\''", "'NULL'", "\ud83d\ude00");

  @Provide
  Arbitrary<String> details() {
    var head = Arbitraries.of("Parameters: ", "parameters: ", "Parameters:", "P", "x", "");
    var body = Arbitraries.of(FRAGMENTS).list().ofMaxSize(30).map(l -> String.join("", l));
    var realistic = Arbitraries.of("NULL", "'a'", "1", "'x'', $2 = ''y'", "'unterminated")
        .list().ofMinSize(1).ofMaxSize(6).map(values -> {
          var sb = new StringBuilder("Parameters: ");
          for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('$').append(i + 1).append(" = ")
                .append(values.get(i));
          }
          return sb.toString();
        });
    return Arbitraries.oneOf(Combinators.combine(head, body).as((h, b) -> h + b), realistic);
  }

  @Property(tries = 3000)
  void valuesAreTheReferenceOnes(@ForAll("details") String detail) {
    assertThat(Parameters.parse(detail)).as(detail).isEqualTo(referenceParse(detail));
    assertThat(Parameters.lazy(detail)).as(detail).isEqualTo(referenceParse(detail));
  }

  @Property(tries = 500)
  void cutAnywhereTheValuesAreTheReferenceOnes(@ForAll("details") String detail,
      @ForAll int cut) {
    String s = detail.substring(0, Math.floorMod(cut, detail.length() + 1));
    assertThat(Parameters.parse(s)).as(s).isEqualTo(referenceParse(s));
  }

  private static final String HEAD = "arameters: ";

  private static List<String> referenceParse(String detail) {
    if (detail == null
        || !(detail.startsWith("P") || detail.startsWith("p"))
        || !detail.startsWith(HEAD, 1)) {
      return List.of();
    }
    var values = new ArrayList<String>();
    String s = detail;
    int n = s.length();
    int i = HEAD.length() + 1;
    while (i < n) {
      if (s.charAt(i) != '$') {
        break;
      }
      int eq = s.indexOf(" = ", i);
      if (eq < 0) {
        break;
      }
      int start = eq + 3;
      int end;
      if (s.startsWith("NULL", start)) {
        end = start + 4;
      } else if (start < n && s.charAt(start) == '\'') {
        end = referenceClosingQuote(s, start + 1);
        if (end < 0) {
          values.add(s.substring(start)); // cut by the record cap: keep what there is
          break;
        }
      } else {
        int comma = s.indexOf(", $", start);
        end = comma < 0 ? n : comma;
      }
      values.add(s.substring(start, end));
      if (!s.startsWith(", ", end)) {
        break;
      }
      i = end + 2;
    }
    return List.copyOf(values);
  }

  /** Index just after the quote that closes a literal whose body starts at {@code from}. */
  private static int referenceClosingQuote(String s, int from) {
    int i = from;
    while (true) {
      int q = s.indexOf('\'', i);
      if (q < 0) {
        return -1;
      }
      if (q + 1 < s.length() && s.charAt(q + 1) == '\'') {
        i = q + 2;
      } else {
        return q + 1;
      }
    }
  }
}
