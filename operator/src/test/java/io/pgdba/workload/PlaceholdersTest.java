package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlaceholdersTest {

  @Test
  void aFragmentsPlaceholdersAreNumberedFromOneInOrderOfFirstUse() {
    assertThat(Placeholders.renumbered("SELECT 1 FROM publisher WHERE (publisher.id = $2)"))
        .isEqualTo("SELECT 1 FROM publisher WHERE (publisher.id = $1)");
    assertThat(Placeholders.renumbered("a = $7 AND b BETWEEN $3 AND $7 AND c = $12"))
        .isEqualTo("a = $1 AND b BETWEEN $2 AND $1 AND c = $3");
    assertThat(Placeholders.renumbered("a = $1 AND b = $2")).isEqualTo("a = $1 AND b = $2");
  }

  @Test
  void dollarsInStringsNamesAndDollarQuotesAreText() {
    String text = "\"$2\" = '$3' AND b = $$ $4 $$ AND c = $tag$ $5 $tag$ AND d = E'\\' $6'"
        + " AND e = $9 -- $8\n";
    assertThat(Placeholders.renumbered(text)).isEqualTo(text.replace("e = $9", "e = $1"));
  }
  @Test
  void hostileTextKeepsItsMeaningAndNeverThrows() {
    // PostgreSQL reads $007 as $7: one placeholder, one number
    assertThat(Placeholders.renumbered("a = $7 AND b = $007 AND c = $99999999999999999999"))
        .isEqualTo("a = $1 AND b = $1 AND c = $2");
    // block comments nest; an E'' string ends at an unescaped quote only
    String text = "/* /* $2 */ $3 */ a = $4 AND b = E'\\\\' AND c = $5 AND d = E'\\\\'' $6'";
    assertThat(Placeholders.renumbered(text))
        .isEqualTo(text.replace("a = $4", "a = $1").replace("c = $5", "c = $2"));
    // $1abc is $1 and a word as the scanner reads it: the word stays
    assertThat(Placeholders.renumbered("a = $3abc")).isEqualTo("a = $1abc");
    for (String unterminated : new String[] {"a = $2 AND b = 'x", "a = $2 /* x", "$2 = $t$ x",
        "a = E'\\", "a = $", "$", "\"x", "a = $2 -- x"}) {
      assertThat(Placeholders.renumbered(unterminated)).as(unterminated).startsWith(
          unterminated.startsWith("a = $2") ? "a = $1" : unterminated.substring(0, 1));
    }
    String huge = "$9".repeat(300_000) + "'" + "$8".repeat(300_000);
    assertThat(Placeholders.renumbered(huge)).startsWith("$1$1").endsWith("$8$8");
  }
}
