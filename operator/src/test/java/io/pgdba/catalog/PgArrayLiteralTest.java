package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgArrayLiteralTest {

  @Test
  void parsesQuotedEscapedNullAndPlainElements() {
    assertThat(PgArrayLiteral.parse("{done,\"needs, \\\"review\\\"\",NULL,\"NULL\", x }"))
        .isEqualTo(Arrays.asList("done", "needs, \"review\"", null, "NULL", "x"));
    assertThat(PgArrayLiteral.parse("{}")).isEmpty();
    assertThat(PgArrayLiteral.parse(null)).isEmpty();
    assertThat(PgArrayLiteral.parse("[0:1]={a,b}")).containsExactly("a", "b");
    assertThat(PgArrayLiteral.parse("{{1,2},{3,4}}")).containsExactly("{1,2}", "{3,4}");
    assertThatThrownBy(() -> PgArrayLiteral.parse("nope"))
        .hasMessage("not an array literal: nope");
  }

  @Test
  void catalogParsesSettingUnits() {
    var c =
        new Catalog(
            new ServerInfo(170005, "17.5", "db", "u", List.of("public")),
            Map.of(
                "shared_buffers", "128MB",
                "work_mem", "4096kB",
                "effective_cache_size", "4GB",
                "random_page_cost", "1.1",
                "track_counts", "on"),
            Map.of("hypopg", "1.4.1"),
            List.of(),
            Instant.EPOCH);
    assertThat(c.settingBytes("shared_buffers")).hasValue(128L << 20);
    assertThat(c.settingBytes("work_mem")).hasValue(4L << 20);
    assertThat(c.settingBytes("effective_cache_size")).hasValue(4L << 30);
    assertThat(c.settingBytes("track_counts")).isEmpty();
    assertThat(c.settingBytes("missing")).isEmpty();
    assertThat(c.settingNumber("random_page_cost")).hasValue(1.1);
    assertThat(c.hasExtension("hypopg")).isTrue();
    assertThat(c.hasExtension("pg_stat_statements")).isFalse();
  }
}
