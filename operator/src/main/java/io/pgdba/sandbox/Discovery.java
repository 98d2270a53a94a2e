package io.pgdba.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API discovery documents kubectl reads before anything else ({@code /api}, {@code /api/v1},
 * {@code /apis}, {@code /apis/group/version}), for the built-in resources the sandbox uses and
 * every CRD installed.
 */
final class Discovery {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** One resource of a group version, enough for discovery and tables. */
  record Resource(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      CustomResourceDefinition crd) {}

  private final Map<String, Map<String, Resource>> byGroupVersion = new ConcurrentHashMap<>();

  Discovery() {
    core("namespaces", "namespace", "Namespace", false, "ns");
    core("pods", "pod", "Pod", true, "po");
    core("secrets", "secret", "Secret", true);
    core("configmaps", "configmap", "ConfigMap", true, "cm");
    core("events", "event", "Event", true, "ev");
    core("services", "service", "Service", true, "svc");
    core("serviceaccounts", "serviceaccount", "ServiceAccount", true, "sa");
    add(new Resource("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true,
        List.of("sts"), List.of("all"), null));
    add(new Resource("apps", "v1", "deployments", "deployment", "Deployment", true,
        List.of("deploy"), List.of("all"), null));
    add(new Resource("coordination.k8s.io", "v1", "leases", "lease", "Lease", true,
        List.of(), List.of(), null));
    add(new Resource("apiextensions.k8s.io", "v1", "customresourcedefinitions",
        "customresourcedefinition", "CustomResourceDefinition", false, List.of("crd", "crds"),
        List.of(), null));
  }

  private void core(String plural, String singular, String kind, boolean ns, String... shorts) {
    add(new Resource("", "v1", plural, singular, kind, ns, List.of(shorts), List.of(), null));
  }

  void add(Resource r) {
    byGroupVersion
        .computeIfAbsent(groupVersion(r.group(), r.version()), k -> new TreeMap<>())
        .put(r.plural(), r);
  }

  void add(CustomResourceDefinition crd) {
    var spec = crd.getSpec();
    for (var v : spec.getVersions()) {
      if (Boolean.TRUE.equals(v.getServed())) {
        add(new Resource(spec.getGroup(), v.getName(), spec.getNames().getPlural(),
            spec.getNames().getSingular(), spec.getNames().getKind(),
            "Namespaced".equals(spec.getScope()), nonNull(spec.getNames().getShortNames()),
            nonNull(spec.getNames().getCategories()), crd));
      }
    }
  }

  /** The resource a request path addresses ({@code .../namespaces/ns/plural[/name]}), if known. */
  Optional<Resource> resourceOf(String path) {
    String[] p = path.split("/");
    String gv;
    int rest;
    if (p.length > 2 && p[1].equals("api")) {
      gv = p[2];
      rest = 3;
    } else if (p.length > 3 && p[1].equals("apis")) {
      gv = p[2] + "/" + p[3];
      rest = 4;
    } else {
      return Optional.empty();
    }
    if (p.length > rest + 1 && p[rest].equals("namespaces") && p.length > rest + 2) {
      rest += 2;
    }
    if (p.length <= rest) {
      return Optional.empty();
    }
    var resources = byGroupVersion.get(gv);
    return Optional.ofNullable(resources == null ? null : resources.get(p[rest]));
  }

  /** The discovery document for {@code path}, or null when it is not a discovery path. */
  String document(String path) {
    try {
      if (path.equals("/api")) {
        ObjectNode n = JSON.createObjectNode().put("kind", "APIVersions");
        n.putArray("versions").add("v1");
        n.putArray("serverAddressByClientCIDRs")
            .addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", "127.0.0.1");
        return JSON.writeValueAsString(n);
      }
      if (path.equals("/apis")) {
        return JSON.writeValueAsString(groupList());
      }
      if (path.equals("/version")) {
        return JSON.writeValueAsString(JSON.createObjectNode().put("major", "1").put("minor", "31")
            .put("gitVersion", "v1.31.0-pgdba-sandbox").put("platform", "linux/amd64"));
      }
      if (path.equals("/openapi/v3")) {
        return JSON.writeValueAsString(openApiRoot());
      }
      if (path.startsWith("/openapi/v3/")) {
        String key = path.substring("/openapi/v3/".length());
        String gvKey = key.startsWith("api/") ? key.substring(4)
            : key.startsWith("apis/") ? key.substring(5) : "";
        return byGroupVersion.containsKey(gvKey) ? JSON.writeValueAsString(openApi(gvKey)) : null;
      }
      String gv = path.startsWith("/api/") ? path.substring(5)
          : path.startsWith("/apis/") ? path.substring(6) : null;
      if (gv != null && byGroupVersion.containsKey(gv)) {
        return JSON.writeValueAsString(resourceList(gv));
      }
      return null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The OpenAPI v3 index. kubectl reads it to learn that the server validates fields itself
   * ({@code fieldValidation} on PATCH), and then skips its client-side schema download.
   */
  private ObjectNode openApiRoot() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    byGroupVersion.keySet().stream().sorted().forEach(gv -> {
      String key = (gv.contains("/") ? "apis/" : "api/") + gv;
      paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=sandbox");
    });
    return root;
  }

  private ObjectNode openApi(String gv) {
    ObjectNode doc = JSON.createObjectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "pgdba sandbox").put("version", "v1");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (var r : byGroupVersion.get(gv).values()) {
      String prefix = (gv.contains("/") ? "/apis/" : "/api/") + gv;
      String path = prefix + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural()
          + "/{name}";
      ObjectNode patch = paths.putObject(path).putObject("patch");
      patch.putObject("x-kubernetes-group-version-kind").put("group", r.group())
          .put("version", r.version()).put("kind", r.kind());
      patch.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
          .putObject("schema").put("type", "string");
      schemas.set(schemaName(r), schema(r));
    }
    return doc;
  }

  /** Reverse-DNS name of a kind's schema, as the API server names it (io.k8s.api.core.v1.Pod). */
  private static String schemaName(Resource r) {
    var parts = new java.util.ArrayList<>(List.of(
        (r.group().isEmpty() ? "io.k8s.api.core" : r.group()).split("\\.")));
    if (!r.group().isEmpty()) {
      java.util.Collections.reverse(parts);
    }
    return String.join(".", parts) + "." + r.version() + "." + r.kind();
  }

  /**
   * The kind's schema for {@code kubectl explain}: the CRD's own openAPIV3Schema (every field's
   * description comes from the resource classes), tagged with its group, version and kind.
   */
  private static ObjectNode schema(Resource r) {
    ObjectNode schema = JSON.createObjectNode().put("type", "object");
    if (r.crd() != null) {
      r.crd().getSpec().getVersions().stream()
          .filter(v -> v.getName().equals(r.version()) && v.getSchema() != null)
          .findFirst()
          .ifPresent(v -> schema.setAll((ObjectNode) JSON.valueToTree(
              v.getSchema().getOpenAPIV3Schema())));
    } else {
      schema.put("description", r.kind() + " (the sandbox serves no schema for built-in kinds)");
    }
    ObjectNode properties = schema.get("properties") instanceof ObjectNode p
        ? p : schema.putObject("properties");
    if (!properties.has("apiVersion")) {
      properties.putObject("apiVersion").put("type", "string").put("description",
          "The versioned schema of this representation of an object.");
    }
    if (!properties.has("kind")) {
      properties.putObject("kind").put("type", "string").put("description",
          "The REST resource this object represents.");
    }
    if (!properties.has("metadata") || properties.get("metadata").size() <= 1) {
      properties.putObject("metadata").put("type", "object").put("description",
          "Standard object's metadata (name, namespace, labels, annotations, ...).");
    }
    schema.putArray("x-kubernetes-group-version-kind").addObject().put("group", r.group())
        .put("version", r.version()).put("kind", r.kind());
    return schema;
  }

  private ObjectNode groupList() {
    ObjectNode list = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    Map<String, List<String>> versions = new TreeMap<>();
    byGroupVersion.forEach((gv, r) -> {
      int slash = gv.indexOf('/');
      if (slash > 0) {
        versions.computeIfAbsent(gv.substring(0, slash), k -> new java.util.ArrayList<>())
            .add(gv.substring(slash + 1));
      }
    });
    versions.forEach((group, vs) -> {
      ObjectNode g = groups.addObject().put("name", group);
      ArrayNode arr = g.putArray("versions");
      vs.forEach(v -> arr.addObject().put("groupVersion", group + "/" + v).put("version", v));
      g.putObject("preferredVersion").put("groupVersion", group + "/" + vs.get(0))
          .put("version", vs.get(0));
    });
    return list;
  }

  private ObjectNode resourceList(String gv) {
    ObjectNode list = JSON.createObjectNode().put("kind", "APIResourceList")
        .put("apiVersion", "v1").put("groupVersion", gv);
    ArrayNode arr = list.putArray("resources");
    for (var r : byGroupVersion.get(gv).values()) {
      ObjectNode n = arr.addObject().put("name", r.plural()).put("singularName", r.singular())
          .put("namespaced", r.namespaced()).put("kind", r.kind());
      ALL_VERBS.forEach(n.putArray("verbs")::add);
      if (!r.shortNames().isEmpty()) {
        r.shortNames().forEach(n.putArray("shortNames")::add);
      }
      if (!r.categories().isEmpty()) {
        r.categories().forEach(n.putArray("categories")::add);
      }
      if (r.crd() != null || r.kind().equals("Pod")) {
        arr.addObject().put("name", r.plural() + "/status").put("singularName", "")
            .put("namespaced", r.namespaced()).put("kind", r.kind())
            .putArray("verbs").add("get").add("patch").add("update");
      }
      if (r.kind().equals("Pod")) {
        arr.addObject().put("name", "pods/log").put("singularName", "").put("namespaced", true)
            .put("kind", "Pod").putArray("verbs").add("get");
      }
    }
    return list;
  }

  private static String groupVersion(String group, String version) {
    return group.isEmpty() ? version : group + "/" + version;
  }

  private static List<String> nonNull(List<String> l) {
    return l == null ? List.of() : l;
  }
}
