package io.pgdba.sandbox;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An in-process Kubernetes API for the local sandbox: the Fabric8 mock server in CRUD mode, plus what
 * a real {@code kubectl} needs from an API server (discovery documents, tables for printer columns)
 * and pod logs served from files the way the kubelet serves them.
 */
public final class SandboxApiServer implements AutoCloseable {

  private final KubernetesMockServer server;
  private final Discovery discovery = new Discovery();
  private final Map<String, PodLog> podLogs = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Admission admission;

  /** A server with no database of its own: objects are stored as sent. */
  public SandboxApiServer() {
    this(0);
  }

  /**
   * @param databasePort the sandbox's PostgreSQL: every PgAnalysis written with a loopback target
   *     is pointed at it, as a mutating admission webhook would (0: none)
   */
  public SandboxApiServer(int databasePort) {
    this.admission = new Admission(databasePort);
    // the mock server logs every request at INFO through java.util.logging
    Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    var crud = new KubernetesMixedDispatcher(expectations);
    this.server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), expectations, new Front(crud), false);
  }

  /** Starts listening on 127.0.0.1 ({@code port} 0 picks a free one). */
  public void start(int port) throws IOException {
    server.init(InetAddress.getLoopbackAddress(), port);
  }

  public String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  public KubernetesClient client() {
    return server.createClient();
  }

  /**
   * Installs a CRD: stored like any object (so {@code kubectl get crd} shows it) and announced in
   * discovery.
   */
  public void installCrd(KubernetesClient client, CustomResourceDefinition crd) {
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    discovery.add(crd);
  }

  /** Serves {@code file} as the log of the container of pod {@code namespace/pod}. */
  public void servePodLog(String namespace, String pod, Path file) {
    podLogs.put(namespace + "/" + pod, new PodLog(file));
  }

  /**
   * What {@code kubectl get <plural> -n <namespace>} prints, rendered the way the API server
   * renders tables for kubectl (printer columns of the CRD).
   */
  public String table(String apiPath) {
    try {
      var response = http.send(
          HttpRequest.newBuilder(URI.create(url() + apiPath))
              .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").build(),
          HttpResponse.BodyHandlers.ofString());
      return Tables.text(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code manifest} as the sandbox stores it: a PgAnalysis with a loopback target is pointed at
   * the sandbox's database port.
   */
  public static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T targetingSandbox(
      T manifest, int databasePort) {
    String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(manifest);
    String admitted = new Admission(databasePort).object(json);
    @SuppressWarnings("unchecked")
    var type = (Class<T>) manifest.getClass();
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(admitted, type);
  }

  /** Writes a kubeconfig that points {@code kubectl} at this server. */
  public Path writeKubeconfig(Path file, String namespace) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: pgdba-sandbox",
            "  cluster:",
            "    server: " + url(),
            "contexts:",
            "- name: pgdba-sandbox",
            "  context:",
            "    cluster: pgdba-sandbox",
            "    user: sandbox",
            "    namespace: " + namespace,
            "current-context: pgdba-sandbox",
            "users:",
            "- name: sandbox",
            "  user:",
            "    token: sandbox",
            ""));
    return file;
  }

  @Override
  public void close() {
    server.destroy();
  }

  /** Answers discovery and pod logs itself, tables around CRUD lists, and hands the rest on. */
  private final class Front extends Dispatcher {
    private final KubernetesMixedDispatcher crud;

    Front(KubernetesMixedDispatcher crud) {
      this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath();
      int q = path.indexOf('?');
      String bare = q < 0 ? path : path.substring(0, q);
      String query = q < 0 ? "" : path.substring(q + 1);
      if ("GET".equals(request.getMethod())) {
        var doc = discovery.document(bare);
        if (doc != null) {
          return json(200, doc);
        }
        var log = podLog(bare);
        if (log != null) {
          return log.respond(query);
        }
        var list = ListRequests.of(request.getMethod(), bare, query, request.getHeader("Upgrade"));
        if (list != null) {
          var response = list.answer(this::get);
          return Tables.wanted(request.getHeader("Accept"))
              ? Tables.render(discovery, bare, response) : response;
        }
      }
      var response = crud.dispatch(admission.admit(request, this::stored));
      if ("GET".equals(request.getMethod()) && Tables.wanted(request.getHeader("Accept"))) {
        return Tables.render(discovery, bare, response);
      }
      return response;
    }

    /** The object at {@code path} as stored, or null. */
    private String stored(String path) {
      var response = get(path);
      return response.code() == 200 ? response.getBody().readUtf8() : null;
    }

    /** A GET of {@code path} as the CRUD store answers it. */
    private MockResponse get(String path) {
      return crud.dispatch(new RecordedRequest("GET " + path + " HTTP/1.1", HttpMethod.GET, path,
          Headers.builder().build(), new Buffer()));
    }

    private PodLog podLog(String path) {
      // /api/v1/namespaces/{ns}/pods/{pod}/log
      String[] parts = path.split("/");
      if (parts.length == 8 && parts[5].equals("pods") && parts[7].equals("log")) {
        return podLogs.get(parts[4] + "/" + parts[6]);
      }
      return null;
    }
  }

  static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  static List<String> split(String query) {
    return query.isEmpty() ? List.of() : List.of(query.split("&"));
  }
}
