package io.pgdba.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetAndPlanShapeTest {

  @Test
  void targetsParseAndSayWhatIsWrong() {
    var t = Target.parse("~FROM orders:p95<=50ms");
    assertThat(t.metric()).isEqualTo(Metric.P95);
    assertThat(t.limit()).isEqualTo(50);
    assertThat(t.matches("x", "select * from orders where id = $1")).isTrue();
    assertThat(t.matches("x", "select * from customers")).isFalse();
    assertThat(Target.parse("0123456789abcdef:mean<=2").matches("0123456789abcdef", null))
        .isTrue();
    assertThatThrownBy(() -> Target.parse("orders")).hasMessageContaining("SELECTOR:METRIC<=LIMIT");
    assertThatThrownBy(() -> Target.parse("~x:median<=3")).hasMessageContaining("unknown metric");
    assertThatThrownBy(() -> Target.parse("~x:temp_bytes_per_call<=3"))
        .hasMessageContaining("unknown metric");
    assertThatThrownBy(() -> Target.parse("~x:mean<=fast")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> Target.parse("~(:mean<=3")).hasMessageContaining("bad pattern");
  }

  @Test
  void planShapesKeepNodeTypesOnly() {
    var text = """
        Limit  (cost=0.42..8.44 rows=1 width=40)
          ->  Index Scan using orders_pkey on orders o  (cost=0.42..8.44 rows=1 width=40)
                Index Cond: (id = 42)
        """;
    assertThat(PlanShape.of(text)).isEqualTo("Limit > Index Scan");
    var json = "{\"Plan\": {\"Node Type\": \"Hash Join\", \"Plans\": [{\"Node Type\": \"Seq Scan\""
        + ", \"Total Cost\": 10}, {\"Node Type\": \"Hash\"}]}}";
    assertThat(PlanShape.of(json)).isEqualTo("Hash Join > Seq Scan > Hash");
    assertThat(PlanShape.of(null)).isNull();
    assertThat(PlanShape.of("Query Text: select 1")).isNull();
  }
}
