package io.pgdba.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.apply.ApplyOutcome.Result;
import io.pgdba.apply.PlanVerifier.QueryExample;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IndexApplierIT {

  static TestPostgres pg;
  static ConnectionSettings target;
  final IndexApplier applier = new IndexApplier(Duration.ofMillis(500));

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start();
    target =
        new ConnectionSettings("localhost", pg.port(), "postgres", "postgres", "postgres",
            "disable", null, 5);
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @BeforeEach
  void table() throws Exception {
    try (var c = pg.connect("postgres");
        var st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS orders");
      st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, note text)");
      st.execute(
          "INSERT INTO orders SELECT g, g % 5000, 'n' || g FROM generate_series(1, 50000) g");
      st.execute("ANALYZE orders");
    }
  }

  static IndexTarget create(String name) {
    return new IndexTarget(
        null, name, "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"" + name + "\" ON orders"
            + " (customer_id)");
  }

  static IndexTarget drop(String name) {
    return new IndexTarget(null, name, "DROP INDEX CONCURRENTLY IF EXISTS \"" + name + "\"");
  }

  @Test
  void buildsOnceVerifiesAndRollsBack() throws Exception {
    var first = applier.create(target, create("orders_customer_id_idx"));
    assertThat(first.result()).isEqualTo(Result.BUILT);
    assertThat(first.qualifiedIndexName()).isEqualTo("public.orders_customer_id_idx");
    assertThat(applier.state(target, null, "orders_customer_id_idx")).isEqualTo(IndexState.VALID);

    var again = applier.create(target, create("orders_customer_id_idx"));
    assertThat(again.result()).isEqualTo(Result.ALREADY_PRESENT);

    var verification =
        new PlanVerifier()
            .verify(target, null, "orders_customer_id_idx", List.of(
                new QueryExample("f1", "SELECT * FROM orders WHERE customer_id = 42", 1000.0),
                new QueryExample("f2", "SELECT count(*) FROM orders", 1000.0),
                new QueryExample("f3", "SELECT 1; DROP TABLE orders", 1.0)));
    assertThat(verification.checks()).extracting(PlanVerifier.QueryCheck::usesIndex)
        .containsExactly(true, false, false);
    assertThat(verification.checks().get(2).error()).contains("more than one statement");
    assertThat(verification.indexSizeBytes()).isPositive();
    assertThat(verification.checks().get(0).costAfter()).isLessThan(1000.0);

    var rollback = applier.drop(target, drop("orders_customer_id_idx"));
    assertThat(rollback.result()).isEqualTo(Result.DROPPED);
    assertThat(applier.state(target, null, "orders_customer_id_idx"))
        .isEqualTo(IndexState.ABSENT);
    assertThat(applier.drop(target, drop("orders_customer_id_idx")).result())
        .isEqualTo(Result.ALREADY_ABSENT);
  }

  @Test
  void aTransactionHoldingTheTablePastTheBuildTimeoutLeavesNoInvalidIndex() throws Exception {
    var impatient = new IndexApplier(Duration.ofMillis(500), Duration.ofSeconds(2));
    try (Connection holder = pg.connect("postgres")) {
      holder.setAutoCommit(false);
      try (var st = holder.createStatement()) {
        // An open write transaction: CREATE INDEX CONCURRENTLY waits for it after creating the
        // (still invalid) catalog entry, and the build timeout ends the wait.
        st.execute("INSERT INTO orders VALUES (0, 1, 'open')");
      }
      var outcome = impatient.create(target, create("orders_locked_idx"));
      assertThat(outcome.result()).isIn(Result.FAILED, Result.FAILED_INVALID_LEFT);
      assertThat(outcome.message()).contains("older transactions");
      holder.rollback();
    }
    // With the lock gone, the leftover (if the first drop could not get its lock) goes.
    assertThat(applier.dropInvalidLeftover(target, create("orders_locked_idx"))).isTrue();
    assertThat(applier.state(target, null, "orders_locked_idx")).isEqualTo(IndexState.ABSENT);
  }

  @Test
  void anInvalidLeftoverIsDroppedBeforeBuilding() throws Exception {
    try (var c = pg.connect("postgres");
        var st = c.createStatement()) {
      st.execute("CREATE INDEX orders_left_idx ON orders (note)");
      st.execute(
          "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'orders_left_idx'::regclass");
    }
    assertThat(applier.state(target, null, "orders_left_idx")).isEqualTo(IndexState.INVALID);
    var outcome = applier.create(target, create("orders_left_idx"));
    assertThat(outcome.result()).isEqualTo(Result.BUILT);
    assertThat(applier.state(target, null, "orders_left_idx")).isEqualTo(IndexState.VALID);
  }

  @Test
  void onlyOneStatementOfTheExpectedKindIsRun() {
    assertThatThrownBy(
            () -> applier.create(target, new IndexTarget(null, "x",
                "CREATE INDEX CONCURRENTLY x ON orders (id); DROP TABLE orders")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("single statement");
    assertThatThrownBy(
            () -> applier.create(target, new IndexTarget(null, "x", "DROP TABLE orders")))
        .hasMessageContaining("CREATE INDEX CONCURRENTLY");
    assertThatThrownBy(
            () -> applier.drop(target, new IndexTarget(null, "x", "DROP TABLE orders")))
        .hasMessageContaining("DROP INDEX CONCURRENTLY");
  }

  @Test
  void hostileIndexNamesAreQuotedByTheServer() throws Exception {
    String name = "o\"; DROP TABLE orders; --";
    assertThat(applier.state(target, null, name)).isEqualTo(IndexState.ABSENT);
    try (var c = pg.connect("postgres");
        var st = c.createStatement()) {
      st.execute("CREATE INDEX \"o\"\"; DROP TABLE orders; --\" ON orders (note)");
      st.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid ="
          + " '\"o\"\"; DROP TABLE orders; --\"'::regclass");
    }
    assertThat(applier.state(target, null, name)).isEqualTo(IndexState.INVALID);
    assertThat(applier.dropInvalidLeftover(target, new IndexTarget(null, name, null))).isTrue();
    assertThat(applier.state(target, null, name)).isEqualTo(IndexState.ABSENT);
    try (var c = pg.connect("postgres");
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM orders")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(50000);
    }
  }
}
