package io.pgdba.k8s.recommendation;

import io.pgdba.k8s.analysis.Durations;
import io.pgdba.k8s.analysis.InvalidSpecException;
import io.pgdba.k8s.analysis.PgAnalysisSpec.MaintenanceWindow;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Whether an instant is inside a daily maintenance window, and when the next one opens. */
public final class MaintenanceWindows {

  private final LocalTime start;
  private final Duration length;
  private final ZoneId zone;
  private final Set<DayOfWeek> days;

  public MaintenanceWindows(MaintenanceWindow window) {
    try {
      this.start = LocalTime.parse(window.start());
    } catch (DateTimeException | NullPointerException e) {
      throw new InvalidSpecException(
          "apply.maintenanceWindow.start", "'" + window.start() + "' is not HH:MM");
    }
    this.length = Durations.parse("apply.maintenanceWindow.duration", window.duration());
    try {
      this.zone = ZoneId.of(window.timeZone() == null ? "UTC" : window.timeZone());
    } catch (DateTimeException e) {
      throw new InvalidSpecException(
          "apply.maintenanceWindow.timeZone", "unknown time zone '" + window.timeZone() + "'");
    }
    this.days = EnumSet.noneOf(DayOfWeek.class);
    if (window.days() == null || window.days().isEmpty()) {
      days.addAll(EnumSet.allOf(DayOfWeek.class));
    } else {
      for (var d : window.days()) {
        days.add(day(d));
      }
    }
  }

  /** True when {@code now} is in a window (one that opened today or yesterday). */
  public boolean isOpen(Instant now) {
    var local = now.atZone(zone);
    for (int back = 0; back <= 1 + length.toDays(); back++) {
      var opening = local.toLocalDate().minusDays(back).atTime(start).atZone(zone);
      if (days.contains(opening.getDayOfWeek())
          && !now.isBefore(opening.toInstant())
          && now.isBefore(opening.plus(length).toInstant())) {
        return true;
      }
    }
    return false;
  }

  /** The next opening after {@code now}. */
  public Instant nextOpening(Instant now) {
    ZonedDateTime local = now.atZone(zone);
    for (int ahead = 0; ahead <= 8; ahead++) {
      var opening = local.toLocalDate().plusDays(ahead).atTime(start).atZone(zone);
      if (days.contains(opening.getDayOfWeek()) && opening.toInstant().isAfter(now)) {
        return opening.toInstant();
      }
    }
    return now.plus(Duration.ofDays(1));
  }

  private static DayOfWeek day(String name) {
    for (var d : DayOfWeek.values()) {
      if (d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).equalsIgnoreCase(name.strip())
          || d.name().equalsIgnoreCase(name.strip())) {
        return d;
      }
    }
    throw new InvalidSpecException(
        "apply.maintenanceWindow.days", "'" + name + "' is not a day (Mon, Tue, ...)");
  }
}
