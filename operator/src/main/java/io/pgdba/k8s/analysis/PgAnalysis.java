package io.pgdba.k8s.analysis;

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
 * A PostgreSQL workload analysis: which database, which logs, how often. The operator reads the
 * logs, runs the engine and proposes IndexRecommendations owned by this resource.
 */
@Group("pgdba.io")
@Version("v1alpha1")
@Kind("PgAnalysis")
@Singular("pganalysis")
@Plural("pganalyses")
@ShortNames("pga")
@Categories("pgdba")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Last Run",
    jsonPath = ".status.lastRunTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Proposed",
    jsonPath = ".status.recommendations.proposed",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Applied",
    jsonPath = ".status.recommendations.applied",
    type = AdditionalPrinterColumn.Type.INTEGER)
public class PgAnalysis extends CustomResource<PgAnalysisSpec, PgAnalysisStatus>
    implements Namespaced {

  public static final String KIND = "PgAnalysis";
}
