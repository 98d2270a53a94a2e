package io.pgdba.k8s.recommendation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApprovalsTest {

  static IndexRecommendation withManagers(Map<String, String> annotations) {
    var rec = new IndexRecommendation();
    rec.getMetadata().setAnnotations(annotations);
    var label = new FieldsV1();
    label.setAdditionalProperty("f:metadata", Map.of("f:labels", Map.of()));
    var approved = new FieldsV1();
    approved.setAdditionalProperty("f:spec", Map.of("f:approved", Map.of()));
    rec.getMetadata().setManagedFields(List.of(
        new ManagedFieldsEntryBuilder().withManager("pgdba-operator").withOperation("Update")
            .withTime("2026-11-24T10:00:00Z").withFieldsV1(label).build(),
        new ManagedFieldsEntryBuilder().withManager("kubectl-patch").withOperation("Update")
            .withTime("2026-11-24T09:00:00Z").withFieldsV1(approved).build(),
        new ManagedFieldsEntryBuilder().withManager("argocd-controller").withOperation("Apply")
            .withTime("2026-11-24T11:00:00Z").withFieldsV1(approved).build()));
    return rec;
  }

  @Test
  void theLatestManagerOfSpecApprovedUnlessTheAnnotationSays() {
    assertThat(Approvals.approver(withManagers(null))).hasValue("argocd-controller (Apply)");
    assertThat(Approvals.approver(withManagers(Map.of(Approvals.APPROVED_BY_ANNOTATION,
        " jane.doe ")))).hasValue("jane.doe");
    assertThat(Approvals.approver(new IndexRecommendation())).isEmpty();
  }
}
