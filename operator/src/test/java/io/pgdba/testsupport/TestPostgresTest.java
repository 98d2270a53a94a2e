package io.pgdba.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPostgresTest {
  @Test
  void startsARealServerWithSettings() throws Exception {
    try (var pg = TestPostgres.start(Map.of("work_mem", "7MB"));
        var c = pg.connect("postgres");
        var rs = c.createStatement().executeQuery("show work_mem")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("7MB");
    }
  }
}
