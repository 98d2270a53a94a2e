package io.pgdba.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.ddl.IndexDdl;
import io.pgdba.ddl.IndexDdl.PartitionIndex;
import io.pgdba.ddl.IndexDefinition;
import io.pgdba.ddl.IndexKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A partitioned parent's script is split only at a ';' outside quotes, so a hostile partition
 * name written by Identifiers stays one name, and each piece is then read by the
 * single-statement check.
 */
class ParentScriptTest {

  static final String HOSTILE = "ev'; drop table accounts; --\"2025_03";

  @Test
  void aHostilePartitionNameStaysInsideItsStatement() {
    var def = new IndexDefinition("public", "events", "btree",
        List.of(IndexKey.column("account_id")), List.of(), null);
    String script = IndexDdl.script(IndexDdl.createOnParent(def, "idx_events_account_id",
        List.of(new PartitionIndex("public", HOSTILE, "idx_ev_account_id"))));
    assertThat(IndexApplier.isParentScript(script)).isTrue();
    assertThat(IndexApplier.splitScript(script)).containsExactly(
        "CREATE INDEX IF NOT EXISTS idx_events_account_id ON ONLY public.events USING btree"
            + " (account_id)",
        "\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_ev_account_id ON public."
            + "\"ev'; drop table accounts; --\"\"2025_03\" USING btree (account_id)",
        "\nALTER INDEX public.idx_events_account_id ATTACH PARTITION public.idx_ev_account_id");
    assertThat(IndexApplier.isParentScript(IndexDdl.create(def, "i"))).isFalse();
  }

  @Test
  void anUnterminatedQuoteIsRefused() {
    assertThatThrownBy(() -> IndexApplier.splitScript("CREATE INDEX \"x ON t (a); DROP TABLE t"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unterminated");
  }
}
