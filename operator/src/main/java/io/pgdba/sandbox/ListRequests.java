package io.pgdba.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * List and watch requests as kubectl makes them, where the CRUD store answers differently from an
 * API server: field selectors on any field ({@code involvedObject.name} of Events, which {@code
 * kubectl describe} and {@code get events --field-selector} use), and watches over plain HTTP
 * (kubectl's {@code wait}; the store serves watches over WebSocket only).
 */
final class ListRequests {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A plain watch answers at once when something changed, else after this quiet period. */
  static final Duration QUIET_WATCH = Duration.ofSeconds(1);
  private static final Set<String> WATCH_PARAMS = Set.of("watch", "allowWatchBookmarks",
      "timeoutSeconds", "resourceVersion", "resourceVersionMatch", "sendInitialEvents",
      "fieldSelector", "limit", "continue");

  private final String bare;
  private final List<String> params;
  private final String fieldSelector;
  private final boolean watch;
  private final String resourceVersion;

  private ListRequests(String bare, List<String> params) {
    this.bare = bare;
    this.params = params;
    this.fieldSelector = param(params, "fieldSelector");
    this.watch = "true".equals(param(params, "watch")) || "1".equals(param(params, "watch"));
    this.resourceVersion = param(params, "resourceVersion");
  }

  /**
   * The request this class answers, or null: a plain-HTTP watch, or a list with a field selector.
   */
  static ListRequests of(String method, String bare, String query, String upgradeHeader) {
    if (!"GET".equals(method)) {
      return null;
    }
    var request = new ListRequests(bare, SandboxApiServer.split(query));
    if (request.watch) {
      return upgradeHeader == null ? request : null; // WebSocket watches stay with the store
    }
    return request.fieldSelector != null && !request.fieldSelector.isBlank() ? request : null;
  }

  /** Answers through {@code store} (a GET of a path, as the CRUD store answers it). */
  MockResponse answer(Function<String, MockResponse> store) {
    var kept = params.stream().filter(p -> !WATCH_PARAMS.contains(name(p))).toList();
    if (!watch) {
      kept = params.stream().filter(p -> !name(p).equals("fieldSelector")).toList();
    }
    var response = store.apply(kept.isEmpty() ? bare : bare + "?" + String.join("&", kept));
    if (response.code() != 200) {
      return response;
    }
    try {
      JsonNode list = JSON.readTree(response.getBody().readUtf8());
      List<JsonNode> items = new ArrayList<>();
      list.path("items").forEach(i -> {
        if (matches(i, fieldSelector)) {
          items.add(i);
        }
      });
      return watch ? watchEvents(items) : listOf((ObjectNode) list, items);
    } catch (JsonProcessingException e) {
      return SandboxApiServer.json(500, "{\"kind\":\"Status\",\"status\":\"Failure\","
          + "\"message\":\"unreadable list\",\"code\":500}");
    }
  }

  private static MockResponse listOf(ObjectNode list, List<JsonNode> items) {
    ArrayNode arr = list.putArray("items");
    items.forEach(arr::add);
    // typed clients (kubectl describe reads Events so) decode an EventList, not the store's List
    var kinds = items.stream().map(i -> i.path("kind").asText()).distinct().toList();
    if (kinds.size() == 1 && !kinds.get(0).isEmpty()) {
      list.put("kind", kinds.get(0) + "List");
    }
    try {
      return SandboxApiServer.json(200, JSON.writeValueAsString(list));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The objects changed since the watch's resourceVersion, as watch events, then the end of the
   * stream: the client watches again from the last version it saw, so no change is lost and a
   * quiet watch costs one request per {@link #QUIET_WATCH}.
   */
  private MockResponse watchEvents(List<JsonNode> items) throws JsonProcessingException {
    long since = version(resourceVersion);
    var body = new StringBuilder();
    for (JsonNode item : items) {
      long v = version(item.path("metadata").path("resourceVersion").asText(""));
      if (since < 0 || v > since) {
        ObjectNode event = JSON.createObjectNode().put("type", since < 0 ? "ADDED" : "MODIFIED");
        event.set("object", item);
        body.append(JSON.writeValueAsString(event)).append('\n');
      }
    }
    if (body.isEmpty()) {
      // the store delays only a non-empty body; JSON decoders skip the whitespace
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
          .setBody("\n").setBodyDelay(QUIET_WATCH);
    }
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
        .setBody(body.toString());
  }

  /** Field selectors as the API server reads them: {@code a.b=v}, {@code a.b==v}, {@code a!=v}. */
  static boolean matches(JsonNode object, String selector) {
    if (selector == null || selector.isBlank()) {
      return true;
    }
    for (String term : selector.split(",")) {
      boolean negated = term.contains("!=");
      String[] kv = term.split(negated ? "!=" : "==?", 2);
      if (kv.length != 2) {
        return false;
      }
      JsonNode node = object;
      for (String part : kv[0].strip().split("\\.")) {
        node = node.path(part);
      }
      String actual = node.isValueNode() ? node.asText() : "";
      if (actual.equals(kv[1].strip()) == negated) {
        return false;
      }
    }
    return true;
  }

  private static long version(String v) {
    try {
      return v == null || v.isEmpty() ? -1 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String name(String kv) {
    int eq = kv.indexOf('=');
    return eq < 0 ? kv : kv.substring(0, eq);
  }

  private static String param(List<String> params, String key) {
    for (String kv : params) {
      if (name(kv).equals(key)) {
        int eq = kv.indexOf('=');
        return eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
