package io.pgdba.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.operator.OperatorSettings;
import io.pgdba.history.HistoryException;
import io.pgdba.history.HistoryStore;
import io.pgdba.k8s.analysis.RunHistory;
import io.pgdba.k8s.operator.PgdbaOperator;
import io.pgdba.metrics.MetricsServer;
import io.pgdba.metrics.PgdbaMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local sandbox: an embedded PostgreSQL with a workload, an in-process Kubernetes API serving
 * its log as a pod log, and the real operator reconciling against them. Nothing leaves 127.0.0.1.
 */
public final class Sandbox implements AutoCloseable {

  /**
   * @param dbPort the port of the embedded PostgreSQL, 0 for any free one; every PgAnalysis that
   *     targets 127.0.0.1 or localhost is pointed at it
   * @param workDir where the kubeconfig, the lock file and the database's data are kept
   * @param examples the folder of manifests applied in name order
   * @param metricsPort port of /metrics, /healthz, /readyz (0: any free port)
   */
  public record Options(
      int dbPort, Path examples, Path workDir, int metricsPort, int workloadRounds) {}

  private final Options options;
  private final List<HasMetadata> manifests;
  private SandboxState state;
  private DemoDatabase db;
  private SandboxApiServer api;
  private KubernetesClient client;
  private PgdbaOperator operator;
  private MetricsServer metrics;
  private Path kubeconfig;

  private Sandbox(Options options, List<HasMetadata> manifests) {
    this.options = options;
    this.manifests = manifests;
  }

  /** Reads the example manifests, failing with the file name when one is not valid YAML. */
  public static Sandbox prepare(Options options) throws IOException {
    if (!Files.isDirectory(options.examples())) {
      throw new IOException("no examples folder at " + options.examples().toAbsolutePath()
          + " (run from the project root, or pass --examples)");
    }
    List<HasMetadata> manifests = new ArrayList<>();
    try (Stream<Path> files = Files.list(options.examples())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          Object parsed = Serialization.unmarshal(in);
          if (parsed instanceof List<?> list) {
            list.forEach(o -> manifests.add((HasMetadata) o));
          } else {
            manifests.add((HasMetadata) parsed);
          }
        } catch (RuntimeException e) {
          throw new IOException("cannot read manifest " + f + ": " + e.getMessage(), e);
        }
      }
    }
    return new Sandbox(options, manifests);
  }

  /**
   * Takes the work directory (cleaning up after a killed sandbox) and checks both ports, before
   * anything is started: a second sandbox, or another server on a port, fails here naming it.
   *
   * @throws SandboxState.BusyException another sandbox runs in the work directory
   * @throws PortInUseException the database or metrics port is taken
   */
  public void claim() throws IOException {
    if (state == null) {
      state = SandboxState.acquire(options.workDir());
    }
    PortInUseException.check(options.dbPort(), PortInUseException.Use.DATABASE);
    PortInUseException.check(options.metricsPort(), PortInUseException.Use.METRICS);
  }

  /**
   * Starts PostgreSQL (and runs the workload), the API server, metrics and the operator, and
   * creates the database pod each example PgAnalysis selects, its log being PostgreSQL's.
   */
  public void start() throws IOException, SQLException {
    claim();
    db = DemoDatabase.start(state.dataDir(), options.dbPort(), password("shop-db-reader"),
        password("shop-db-ddl"));
    db.runWorkload(options.workloadRounds());
    api = new SandboxApiServer(db.port());
    api.start(0);
    client = api.client();
    for (String crd : List.of("pganalyses.pgdba.io-v1.yml", "indexrecommendations.pgdba.io-v1.yml")) {
      try (InputStream in = Sandbox.class.getResourceAsStream("/META-INF/fabric8/" + crd)) {
        if (in == null) {
          throw new IOException("CRD " + crd + " is missing from the jar (rebuild with make build)");
        }
        api.installCrd(client, Serialization.unmarshal(in, CustomResourceDefinition.class));
      }
    }
    kubeconfig = api.writeKubeconfig(options.workDir().resolve("kubeconfig"), "shop");
    var registry = PgdbaMetrics.newPrometheusRegistry();
    RunHistory history;
    try {
      history = RunHistory.in(HistoryStore.open(db.historyDataSource()), Clock.systemUTC());
    } catch (HistoryException e) {
      throw new IOException(e.getMessage());
    }
    var reports = new io.pgdba.report.ReportShelf();
    operator = PgdbaOperator.metered(client, AnalysisEngine.analyzer(),
        OperatorSettings.defaults(), Clock.systemUTC(), registry, history, reports);
    metrics = MetricsServer.start(options.metricsPort(), registry, operator::alive,
        operator::ready, reports);
    operator.start();
    // the database pods exist before anyone applies a PgAnalysis, as in a cluster
    for (HasMetadata m : manifests) {
      if ("PgAnalysis".equals(m.getKind())) {
        // YAML of a custom resource parses as a generic resource: read it as the typed one
        createPodsFor(Serialization.unmarshal(Serialization.asJson(m), PgAnalysis.class));
      }
    }
  }

  /** Creates or updates the example objects: what {@code kubectl apply -f examples/sandbox} does. */
  public List<HasMetadata> applyExamples() {
    List<HasMetadata> applied = new ArrayList<>();
    for (HasMetadata m : manifests) {
      applied.add(client.resource(SandboxApiServer.targetingSandbox(m, db.port()))
          .createOr(r -> r.update()));
    }
    return applied;
  }

  private void createPodsFor(PgAnalysis pga) {
    Map<String, String> labels = pga.getSpec().logs().podSelector();
    if (labels == null || labels.isEmpty()) {
      return;
    }
    String ns = pga.getMetadata().getNamespace();
    String container = pga.getSpec().logs().container() == null
        ? "postgres" : pga.getSpec().logs().container();
    String name = labels.values().iterator().next() + "-1";
    var pod = client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName(container).withImage("postgres:17")
        .endContainer().endSpec().build()).createOr(r -> r.update());
    // status is a subresource: what the kubelet would report once the container started
    pod.setStatus(new PodStatusBuilder().withPhase("Running")
        .addNewContainerStatus().withName(container).withReady(true).withRestartCount(0)
        .withContainerID("containerd://sandbox-" + name)
        .withContainerID("containerd://sandbox-" + name)
        .withNewState().withNewRunning().withStartedAt(Instant.now().toString())
        .endRunning().endState().endContainerStatus().build());
    client.pods().inNamespace(ns).resource(pod).updateStatus();
    api.servePodLog(ns, name, db.logFile());
  }

  private String password(String secretName) throws IOException {
    for (HasMetadata m : manifests) {
      if (m instanceof Secret s && s.getMetadata().getName().equals(secretName)) {
        if (s.getStringData() != null && s.getStringData().containsKey("password")) {
          return s.getStringData().get("password");
        }
        if (s.getData() != null && s.getData().containsKey("password")) {
          return new String(Base64.getDecoder().decode(s.getData().get("password")),
              StandardCharsets.UTF_8);
        }
      }
    }
    throw new IOException("the examples define no Secret " + secretName + " with a password key");
  }

  public KubernetesClient client() {
    return client;
  }

  public DemoDatabase database() {
    return db;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public SandboxApiServer api() {
    return api;
  }

  public String apiUrl() {
    return api.url();
  }

  public int metricsPort() {
    return metrics.port();
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
    if (db != null) {
      try {
        db.close();
      } catch (IOException e) {
        // the data directory is temporary; nothing to keep
      }
    }
    if (state != null) {
      state.close();
    }
  }
}
