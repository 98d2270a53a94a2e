package io.pgdba.k8s.recommendation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Who approved a recommendation, for the audit trail: the {@code pgdba.io/approved-by} annotation
 * when set (a GitOps pipeline can put the commit author there), else the field manager that last
 * wrote {@code spec.approved} (kubectl, argocd-controller, kustomize-controller...).
 */
public final class Approvals {

  public static final String APPROVED_BY_ANNOTATION = "pgdba.io/approved-by";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Approvals() {}

  public static Optional<String> approver(IndexRecommendation rec) {
    Map<String, String> annotations = rec.getMetadata().getAnnotations();
    if (annotations != null && annotations.get(APPROVED_BY_ANNOTATION) != null
        && !annotations.get(APPROVED_BY_ANNOTATION).isBlank()) {
      return Optional.of(annotations.get(APPROVED_BY_ANNOTATION).strip());
    }
    var managed = rec.getMetadata().getManagedFields();
    if (managed == null) {
      return Optional.empty();
    }
    return managed.stream()
        .filter(Approvals::ownsApproved)
        .max(Comparator.comparing(m -> m.getTime() == null ? "" : m.getTime()))
        .map(m -> m.getManager() + (m.getOperation() == null ? "" : " (" + m.getOperation() + ")"));
  }

  private static boolean ownsApproved(ManagedFieldsEntry entry) {
    if (entry.getFieldsV1() == null) {
      return false;
    }
    var fields = JSON.valueToTree(entry.getFieldsV1());
    return fields.path("f:spec").has("f:approved");
  }
}
