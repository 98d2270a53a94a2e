package io.pgdba.k8s.conditions;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** One metav1-style condition of a pgdba resource's status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
    @Required @JsonPropertyDescription("Condition type, e.g. Ready, TargetReachable, LogsRead.")
        String type,
    @Required @JsonPropertyDescription("True, False or Unknown.") String status,
    @JsonPropertyDescription("The metadata.generation this condition was computed for.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "When the status last changed (RFC 3339); kept while the status stays the same.")
        String lastTransitionTime,
    @JsonPropertyDescription("CamelCase machine-readable reason of the last change.")
        String reason,
    @JsonPropertyDescription("Human-readable details; never contains a secret value.")
        String message) {

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  @JsonIgnore
  public boolean isTrue() {
    return TRUE.equals(status);
  }
}
