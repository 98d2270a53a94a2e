package io.pgdba.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The subset of JSONPath that CRD printer columns use: {@code .a.b}, {@code .a[0]} and
 * {@code .conditions[?(@.type=="Ready")].status}.
 */
final class JsonPaths {

  private JsonPaths() {}

  static JsonNode eval(JsonNode root, String path) {
    JsonNode node = root;
    int i = 0;
    while (node != null && i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        node = node.get(path.substring(i + 1, end));
        i = end;
      } else if (c == '[') {
        int end = path.indexOf(']', i);
        if (end < 0) {
          return null;
        }
        String inside = path.substring(i + 1, end);
        if (inside.startsWith("?(@.")) {
          // ?(@.field=="value")
          String cond = inside.substring(4, inside.length() - 1);
          int eq = cond.indexOf("==");
          String field = cond.substring(0, eq);
          String value = cond.substring(eq + 2).replace("\"", "").replace("'", "");
          JsonNode found = null;
          if (node.isArray()) {
            for (JsonNode el : node) {
              if (value.equals(el.path(field).asText(null))) {
                found = el;
                break;
              }
            }
          }
          node = found;
        } else {
          node = node.isArray() ? node.get(Integer.parseInt(inside.trim())) : null;
        }
        i = end + 1;
      } else {
        return null;
      }
    }
    return node;
  }
}
