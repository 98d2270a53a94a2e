package io.pgdba.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's log is its application's workload: what the demo analyzes are the shop's queries,
 * not the sandbox's own setup (CREATE DATABASE, the generate_series inserts, the grants).
 */
class DemoDatabaseIT {

  @TempDir Path dir;

  @Test
  void theLogHoldsTheWorkloadAndNotTheSetup() throws Exception {
    try (var db = DemoDatabase.start(dir.resolve("pgdata"), 0, "reader-pw", "ddl-pw")) {
      db.runWorkload(20);
      // the collector writes asynchronously
      Thread.sleep(500);
      var statements = Files.readAllLines(db.logFile()).stream()
          .filter(l -> l.contains("duration: "))
          .map(l -> l.toLowerCase(Locale.ROOT))
          .toList();
      assertThat(statements).isNotEmpty();
      assertThat(statements).noneMatch(l -> l.contains("generate_series"))
          .noneMatch(l -> l.contains("create database"))
          .noneMatch(l -> l.contains("create table"))
          .noneMatch(l -> l.contains("grant "))
          .noneMatch(l -> l.contains("alter role"));
      assertThat(statements).anyMatch(l -> l.contains("from orders where customer_id = "))
          .anyMatch(l -> l.contains("from customers where email = "))
          .allMatch(l -> l.contains("shop_app@shop"));
    }
  }
}
