package io.pgdba.advisor.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names as PostgreSQL prints them, hostile ones included; settings with a clear error. */
class NamesTest {

  @Test
  void regclassTextIsSplitOnUnquotedDotsOnly() {
    assertThat(Names.qualified("orders", "public")).containsExactly("public", "orders");
    assertThat(Names.qualified("shop.orders", "public")).containsExactly("shop", "orders");
    assertThat(Names.qualified("\"My.Schema\".\"a\"\"b; drop table x\"", "public"))
        .containsExactly("My.Schema", "a\"b; drop table x");
    assertThat(Names.unquote("\"Weird\"\"Col\"")).isEqualTo("Weird\"Col");
    assertThat(Names.unquote("plain")).isEqualTo("plain");
  }

  @Test
  void settingsDefaultAndRefuseNonsenseByName() {
    var s = TableSettings.of(Map.of("table.min-rows", "5"));
    assertThat(s.minRows()).isEqualTo(5);
    assertThat(s.bloatMinBytes()).isEqualTo(8L << 20);
    assertThatThrownBy(() -> TableSettings.of(Map.of("table.min-calls", "lots")))
        .hasMessage("advisor setting table.min-calls is not a whole number: lots");
    assertThatThrownBy(() -> TableSettings.of(Map.of("table.min-rows", "-1")))
        .hasMessage("advisor setting table.min-rows must be >= 0, not -1");
  }
}
