package io.pgdba.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.mockwebserver.http.MockResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side printing as kubectl asks for it ({@code Accept: ...;as=Table}): a CRD's
 * additionalPrinterColumns become the columns of {@code kubectl get}, as on a real API server.
 */
final class Tables {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Tables() {}

  private static CustomResourceColumnDefinition column(String name, String jsonPath) {
    var c = new CustomResourceColumnDefinition();
    c.setName(name);
    c.setType("string");
    c.setJsonPath(jsonPath);
    return c;
  }

  static boolean wanted(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  static MockResponse render(Discovery discovery, String path, MockResponse response) {
    var resource = discovery.resourceOf(path);
    if (response.code() != 200 || resource.isEmpty()) {
      return response;
    }
    try {
      JsonNode body = JSON.readTree(response.getBody().readString(StandardCharsets.UTF_8));
      if (body.has("type") && body.has("object")) {
        return response; // a watch event stream
      }
      List<JsonNode> items = new ArrayList<>();
      if (body.has("items")) {
        body.get("items").forEach(items::add);
      } else {
        items.add(body);
      }
      List<CustomResourceColumnDefinition> columns = new ArrayList<>();
      var crd = resource.get().crd();
      if (crd != null) {
        crd.getSpec().getVersions().stream()
            .filter(v -> v.getName().equals(resource.get().version()))
            .findFirst()
            .ifPresent(v -> {
              if (v.getAdditionalPrinterColumns() != null) {
                columns.addAll(v.getAdditionalPrinterColumns());
              }
            });
      } else if (resource.get().kind().equals("Event")) {
        // the columns the API server prints for Events, so `kubectl get events` tells the story
        columns.add(column("Type", ".type"));
        columns.add(column("Reason", ".reason"));
        columns.add(column("Object", ".involvedObject.name"));
        columns.add(column("Message", ".message"));
      }
      ObjectNode table = JSON.createObjectNode().put("kind", "Table")
          .put("apiVersion", "meta.k8s.io/v1");
      table.putObject("metadata").put("resourceVersion",
          body.path("metadata").path("resourceVersion").asText(""));
      ArrayNode defs = table.putArray("columnDefinitions");
      defs.addObject().put("name", "Name").put("type", "string").put("format", "name")
          .put("description", "Name of the object").put("priority", 0);
      boolean ageColumn = columns.stream().noneMatch(c -> c.getName().equalsIgnoreCase("age"));
      for (var c : columns) {
        defs.addObject().put("name", c.getName()).put("type", c.getType())
            .put("format", c.getFormat() == null ? "" : c.getFormat())
            .put("description", c.getDescription() == null ? "" : c.getDescription())
            .put("priority", c.getPriority() == null ? 0 : c.getPriority());
      }
      if (ageColumn) {
        defs.addObject().put("name", "Age").put("type", "string").put("format", "")
            .put("description", "Time since creation").put("priority", 0);
      }
      ArrayNode rows = table.putArray("rows");
      for (JsonNode item : items) {
        ObjectNode row = rows.addObject();
        ArrayNode cells = row.putArray("cells");
        cells.add(item.path("metadata").path("name").asText());
        for (var c : columns) {
          JsonNode v = JsonPaths.eval(item, c.getJsonPath());
          if (v == null || v.isNull() || v.isMissingNode()) {
            cells.add("<none>");
          } else if ("date".equals(c.getType())) {
            cells.add(age(v.asText()));
          } else if (v.isValueNode()) {
            cells.add(v.asText());
          } else {
            cells.add(v.toString());
          }
        }
        if (ageColumn) {
          cells.add(age(item.path("metadata").path("creationTimestamp").asText("")));
        }
        row.set("object", item);
      }
      return SandboxApiServer.json(200, JSON.writeValueAsString(table));
    } catch (java.io.IOException | RuntimeException e) {
      return response; // kubectl falls back to client-side printing
    }
  }

  /** Renders a Table document as kubectl prints it: upper-case headers, columns 3 apart. */
  static String text(String tableJson) {
    try {
      JsonNode table = JSON.readTree(tableJson);
      List<String> headers = new ArrayList<>();
      List<Integer> shown = new ArrayList<>();
      var defs = table.get("columnDefinitions");
      for (int i = 0; i < defs.size(); i++) {
        if (defs.get(i).path("priority").asInt(0) == 0) {
          headers.add(defs.get(i).get("name").asText().toUpperCase(java.util.Locale.ROOT));
          shown.add(i);
        }
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(headers);
      for (JsonNode row : table.get("rows")) {
        List<String> cells = new ArrayList<>();
        for (int i : shown) {
          cells.add(row.get("cells").get(i).asText());
        }
        rows.add(cells);
      }
      int[] width = new int[headers.size()];
      rows.forEach(r -> {
        for (int i = 0; i < r.size(); i++) {
          width[i] = Math.max(width[i], r.get(i).length());
        }
      });
      var out = new StringBuilder();
      for (var r : rows) {
        var line = new StringBuilder();
        for (int i = 0; i < r.size(); i++) {
          line.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (width[i] + 3) + "s",
              r.get(i)));
        }
        out.append(line.toString().stripTrailing()).append('\n');
      }
      return out.toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String age(String timestamp) {
    try {
      var d = Duration.between(Instant.parse(timestamp), Instant.now());
      long s = Math.max(0, d.getSeconds());
      return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" : (s / 3600) + "h";
    } catch (RuntimeException e) {
      return "<unknown>";
    }
  }
}
