package io.pgdba.ddl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdentifiersTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "orders|orders",
      "order_items2|order_items2",
      "_x|_x",
      "Order Items|\"Order Items\"",
      "a\"b|\"a\"\"b\"",
      "order|\"order\"",
      "user|\"user\"",
      "select|\"select\"",
      "between|\"between\"",
      "json_table|\"json_table\"",
      "MixedCase|\"MixedCase\"",
      "名前|\"名前\"",
      "2fast|\"2fast\"",
      "has$dollar|\"has$dollar\"",
      "name|name",
      "status|status",
      "data|data",
  })
  void quotesOnlyWhenNeeded(String name, String expected) {
    assertThat(Identifiers.quote(name)).isEqualTo(expected);
  }

  @Test
  void emptyNameIsQuoted() {
    assertThat(Identifiers.quote("")).isEqualTo("\"\"");
  }

  @Test
  void qualifiesEachPart() {
    assertThat(Identifiers.qualified("My Schema", "user")).isEqualTo("\"My Schema\".\"user\"");
    assertThat(Identifiers.qualified("public", "orders")).isEqualTo("public.orders");
    assertThat(Identifiers.qualified(null, "orders")).isEqualTo("orders");
  }

  @Test
  void literalsDoubleQuotesAndEscapeBackslashes() {
    assertThat(Identifiers.literal("it's")).isEqualTo("'it''s'");
    assertThat(Identifiers.literal("a\\b'")).isEqualTo("E'a\\\\b'''");
    assertThat(Identifiers.literal(null)).isEqualTo("NULL");
  }
}
