package io.pgdba.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What the sandbox API does to a write before storing it, where a cluster has admission and the
 * apiserver's own bookkeeping: a PgAnalysis targeting 127.0.0.1 or localhost is pointed at the
 * sandbox's PostgreSQL port (so an example naming 54329 never reaches another server on that
 * port), and a write to a pgdba.io object records its {@code fieldManager} in managedFields, as
 * the apiserver does (that is where {@code approvedBy} comes from after a kubectl patch).
 */
final class Admission {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

  private final int databasePort;

  Admission(int databasePort) {
    this.databasePort = databasePort;
  }

  /** The request as it should reach the store (rebuilt: reading its body consumed it). */
  RecordedRequest admit(RecordedRequest request, UnaryOperator<String> stored) {
    String method = request.getMethod();
    if (!Set.of("POST", "PUT", "PATCH").contains(method)) {
      return request;
    }
    String path = request.getPath();
    int q = path.indexOf('?');
    String bare = q < 0 ? path : path.substring(0, q);
    if (!bare.startsWith("/apis/pgdba.io/")) {
      return request;
    }
    // reading a request body consumes it: from here on the request is rebuilt
    String body = request.getUtf8Body();
    if (body == null || body.isBlank()) {
      return request;
    }
    String admitted = body;
    try {
      JsonNode tree = JSON.readTree(body);
      boolean analysis = bare.matches(".*/pganalyses(/[^/]+)?");
      if (analysis && databasePort != 0) {
        tree = pointAtSandbox(tree);
      }
      String manager = query(path, "fieldManager");
      boolean wholeObject = !"PATCH".equals(method);
      if (manager != null && !bare.endsWith("/status") && tree instanceof ObjectNode object
          && (wholeObject || isMergePatch(request))) {
        recordManager(object, manager, "POST".equals(method) ? null : stored.apply(bare));
      }
      admitted = JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      // not JSON: the store answers as it would
    }
    return new RecordedRequest(request.getRequestLine(), request.method(), path,
        request.getHeaders(), new Buffer(admitted.getBytes(StandardCharsets.UTF_8)));
  }

  /** A whole object (or a merge patch of one) as JSON, with its loopback target re-pointed. */
  String object(String json) {
    try {
      return JSON.writeValueAsString(pointAtSandbox(JSON.readTree(json)));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private JsonNode pointAtSandbox(JsonNode tree) {
    if (tree instanceof ArrayNode ops) {
      // a JSON patch: an operation that sets the port or the whole target
      for (JsonNode op : ops) {
        String p = op.path("path").asText();
        if (op instanceof ObjectNode o && o.has("value")) {
          if (p.equals("/spec/target/port")) {
            o.put("value", databasePort);
          } else if (p.equals("/spec/target") && o.get("value") instanceof ObjectNode t) {
            repoint(t, true);
          } else if (p.equals("/spec") && o.path("value").get("target") instanceof ObjectNode t) {
            repoint(t, true);
          }
        }
      }
      return tree;
    }
    if (tree.path("spec").get("target") instanceof ObjectNode target) {
      repoint(target, !target.has("host") || target.get("host").isNull());
    }
    return tree;
  }

  private void repoint(ObjectNode target, boolean hostUnstated) {
    String host = target.path("host").asText("");
    if (LOOPBACK.contains(host) || hostUnstated && target.has("port")) {
      target.put("port", databasePort);
    }
  }

  private static boolean isMergePatch(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    return type != null && type.contains("merge-patch");
  }

  /**
   * Adds (or renews) the manager's entry in metadata.managedFields with the fields this write
   * sets, keeping the other managers' entries, as the apiserver's field manager does.
   */
  private static void recordManager(ObjectNode body, String manager, String storedJson) {
    ArrayNode entries = JSON.createArrayNode();
    ObjectNode fields = JSON.createObjectNode();
    String apiVersion = body.path("apiVersion").asText("");
    if (storedJson != null) {
      try {
        JsonNode stored = JSON.readTree(storedJson);
        apiVersion = apiVersion.isEmpty() ? stored.path("apiVersion").asText("") : apiVersion;
        for (JsonNode e : stored.path("metadata").path("managedFields")) {
          if (!manager.equals(e.path("manager").asText())) {
            entries.add(e);
          } else if (e.get("fieldsV1") instanceof ObjectNode earlier) {
            merge(fields, earlier); // a manager's later write adds to what it owns
          }
        }
      } catch (JsonProcessingException e) {
        // nothing stored to keep
      }
    }
    for (String top : new String[] {"spec", "data", "stringData"}) {
      if (body.has(top)) {
        merge(fields, JSON.createObjectNode().set("f:" + top, fieldSet(body.get(top))));
      }
    }
    if (body.path("metadata").has("annotations")) {
      var annotations = JSON.createObjectNode();
      annotations.putObject("f:metadata").set("f:annotations",
          fieldSet(body.path("metadata").get("annotations")));
      merge(fields, annotations);
    }
    ObjectNode entry = entries.addObject()
        .put("manager", manager)
        .put("operation", "Update")
        .put("apiVersion", apiVersion)
        .put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("fieldsType", "FieldsV1");
    entry.set("fieldsV1", fields);
    ObjectNode metadata = body.get("metadata") instanceof ObjectNode m
        ? m : body.putObject("metadata");
    metadata.set("managedFields", entries);
  }

  private static void merge(ObjectNode into, ObjectNode from) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      var e = it.next();
      if (into.get(e.getKey()) instanceof ObjectNode mine && e.getValue() instanceof ObjectNode o) {
        merge(mine, o);
      } else {
        into.set(e.getKey(), e.getValue().deepCopy());
      }
    }
  }

  private static ObjectNode fieldSet(JsonNode value) {
    ObjectNode set = JSON.createObjectNode();
    if (value instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        var e = it.next();
        set.set("f:" + e.getKey(), fieldSet(e.getValue()));
      }
    }
    return set;
  }

  private static String query(String path, String key) {
    int q = path.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String kv : SandboxApiServer.split(path.substring(q + 1))) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(key)) {
        return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
