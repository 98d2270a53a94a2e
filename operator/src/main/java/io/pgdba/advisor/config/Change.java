package io.pgdba.advisor.config;

import io.pgdba.finding.Severity;
import java.util.Map;

/**
 * One proposed setting change, before it becomes a finding.
 *
 * @param parameter the GUC name (the finding's object)
 * @param kind the finding kind after {@code config.}: the parameter, or a named rule
 * @param current the value now, as postgresql.conf writes it
 * @param proposed the value to set, as postgresql.conf writes it
 * @param restart true when the server must restart for it to take effect
 * @param severity how urgent
 * @param title one line
 * @param advice why, what it costs and the expected effect, quantified from the evidence
 * @param evidence the figures, in order
 */
public record Change(
    String parameter,
    String kind,
    String current,
    String proposed,
    boolean restart,
    Severity severity,
    String title,
    String advice,
    Map<String, Object> evidence) {}
