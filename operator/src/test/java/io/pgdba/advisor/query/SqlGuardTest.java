package io.pgdba.advisor.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.advisor.query.SqlGuard.Refused;
import org.junit.jupiter.api.Test;

/** What may reach the target: logged text is attacker-controlled. */
class SqlGuardTest {

  @Test
  void onlyOneSelectIsRegenerated() throws Refused {
    assertThat(SqlGuard.regenerate("select id from t where a = 'x; drop table t'"))
        .isEqualTo("SELECT id FROM t WHERE a = 'x; drop table t'");
    assertThatThrownBy(() -> SqlGuard.regenerate("select 1; drop table t"))
        .isInstanceOf(Refused.class);
    assertThatThrownBy(() -> SqlGuard.regenerate("delete from t")).hasMessage("not a SELECT");
    assertThatThrownBy(() -> SqlGuard.regenerate("select * from t for update"))
        .hasMessageContaining("locking");
    assertThatThrownBy(() -> SqlGuard.regenerate("select * into x from t"))
        .hasMessageContaining("INTO");
    assertThatThrownBy(() -> SqlGuard.regenerate(
        "with d as (delete from t returning *) select * from d"))
        .isInstanceOf(Refused.class);
  }

  @Test
  void namesSkipLiteralsAndFindCallsIdentifiersAndOperators() throws Refused {
    var names = SqlGuard.names("SELECT lower(\"Email\"), count(*) FROM t WHERE a IN (1, 2)"
        + " AND b = 'boom(1); x' AND c::text ~~ E'it\\'s' AND d = ANY ($1)");
    assertThat(names.calls()).containsExactly("count", "lower");
    assertThat(names.identifiers()).contains("Email", "t", "a", "b", "c", "text", "d")
        .doesNotContain("boom", "x");
    assertThat(names.operators()).containsExactly("*", "=", "~~");
  }

  @Test
  void whatTheParserNeverPrintsIsRefused() {
    assertThatThrownBy(() -> SqlGuard.names("SELECT 1; SELECT 2")).hasMessageContaining(
        "semicolon");
    assertThatThrownBy(() -> SqlGuard.names("SELECT 1 -- x")).isInstanceOf(Refused.class);
    assertThatThrownBy(() -> SqlGuard.names("SELECT 1 /* x */")).isInstanceOf(Refused.class);
    assertThatThrownBy(() -> SqlGuard.names("SELECT $$x$$")).isInstanceOf(Refused.class);
    assertThatThrownBy(() -> SqlGuard.names("SELECT \"evil\"(1)"))
        .hasMessageContaining("quoted name");
    assertThatThrownBy(() -> SqlGuard.names("SELECT 'open")).hasMessageContaining("unterminated");
  }
}
