package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuotedNamesTest {

  @Test
  void quotedIdentifiersBecomePlaceholdersAndComeBackQuoted() {
    var m = QuotedNames.mask("SELECT \"a\"\"b\", x FROM \"p.q\" WHERE \"c\nd\" = 'it''s \"no\"'");
    assertThat(m.names()).containsExactly("a\"b", "p.q", "c\nd");
    // The double quotes inside the string constant are no name and stay as they are.
    assertThat(m.text()).isEqualTo("SELECT pgdba_qn0_0, x FROM pgdba_qn0_1 WHERE pgdba_qn0_2"
        + " = 'it''s \"no\"'");
    assertThat(m.name("pgdba_qn0_1")).isEqualTo("p.q");
    assertThat(m.name("\"pgdba_qn0_2\"")).isEqualTo("c\nd");
    assertThat(m.name("x")).isNull();
    assertThat(m.restore("SELECT pgdba_qn0_0 FROM pgdba_qn0_1"))
        .isEqualTo("SELECT \"a\"\"b\" FROM \"p.q\"");
  }

  @Test
  void quotesInsideStringsCommentsAndDollarQuotesAreNotNames() {
    var m = QuotedNames.mask("SELECT E'\\'\"x\"', $t$\"y\"$t$ /* \"z\" /* \"w\" */ */ -- \"v\"\r"
        + " FROM t");
    assertThat(m.names()).isEmpty();
  }

  @Test
  void aTextHoldingAPlaceholderLookalikeGetsAnotherTag() {
    var m = QuotedNames.mask("SELECT pgdba_qn0_0 FROM \"t\"");
    assertThat(m.nonce()).isNotEqualTo("0");
    assertThat(m.restore(m.text())).isEqualTo("SELECT pgdba_qn0_0 FROM \"t\"");
  }

  @Test
  void unicodeEscapedNamesAreLeftToTheParser() {
    assertThat(QuotedNames.mask("SELECT U&\"d\\0061t\" FROM t").names()).isEmpty();
  }
}
