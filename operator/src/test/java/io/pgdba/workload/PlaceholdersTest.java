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
}
