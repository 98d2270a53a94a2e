package io.pgdba.k8s.recommendation;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One index the engine recommends for a PgAnalysis. The operator creates it and never changes its
 * spec afterwards; a human (or Git) sets {@code approved} or {@code rollback}.
 */
@Group("pgdba.io")
@Version("v1alpha1")
@Kind("IndexRecommendation")
@Singular("indexrecommendation")
@Plural("indexrecommendations")
@ShortNames("idxrec")
@Categories("pgdba")
@AdditionalPrinterColumn(
    name = "Table",
    jsonPath = ".spec.table",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Gain%",
    jsonPath = ".spec.estimatedImprovementPercent",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Approved",
    jsonPath = ".spec.approved",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Index",
    jsonPath = ".spec.indexName",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
public class IndexRecommendation
    extends CustomResource<IndexRecommendationSpec, IndexRecommendationStatus>
    implements Namespaced {

  public static final String KIND = "IndexRecommendation";
}
