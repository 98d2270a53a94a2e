package io.pgdba.k8s.recommendation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.k8s.analysis.InvalidSpecException;
import io.pgdba.k8s.analysis.PgAnalysisSpec.MaintenanceWindow;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaintenanceWindowsTest {

  @Test
  void aWindowAcrossMidnightInAZone() {
    // 23:00-01:00 Paris time (UTC+1 in January) = 22:00-00:00 UTC, weekdays only
    var w = new MaintenanceWindows(new MaintenanceWindow("23:00", "2h", "Europe/Paris",
        List.of("Mon", "Tue", "Wed", "Thu", "Fri")));
    assertThat(w.isOpen(Instant.parse("2026-01-07T22:30:00Z"))).isTrue(); // Wednesday
    assertThat(w.isOpen(Instant.parse("2026-01-07T23:59:00Z"))).isTrue(); // after midnight local
    assertThat(w.isOpen(Instant.parse("2026-01-08T00:00:00Z"))).isFalse();
    assertThat(w.isOpen(Instant.parse("2026-01-07T21:59:00Z"))).isFalse();
    assertThat(w.isOpen(Instant.parse("2026-01-10T22:30:00Z"))).isFalse(); // Saturday
    assertThat(w.nextOpening(Instant.parse("2026-01-09T23:30:00Z"))) // Friday, after
        .isEqualTo(Instant.parse("2026-01-12T22:00:00Z")); // Monday 23:00 Paris
  }

  @Test
  void badFieldsNameTheField() {
    assertThatThrownBy(() -> new MaintenanceWindows(
        new MaintenanceWindow("25:00", "1h", null, null)))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageStartingWith("spec.apply.maintenanceWindow.start:");
    assertThatThrownBy(() -> new MaintenanceWindows(
        new MaintenanceWindow("01:00", "1h", "Mars/Olympus", null)))
        .hasMessageStartingWith("spec.apply.maintenanceWindow.timeZone:");
    assertThatThrownBy(() -> new MaintenanceWindows(
        new MaintenanceWindow("01:00", "1h", null, List.of("Caturday"))))
        .hasMessageStartingWith("spec.apply.maintenanceWindow.days:");
    assertThatThrownBy(() -> new MaintenanceWindows(
        new MaintenanceWindow("01:00", "1x", null, null)))
        .hasMessageStartingWith("spec.apply.maintenanceWindow.duration:");
  }
}
