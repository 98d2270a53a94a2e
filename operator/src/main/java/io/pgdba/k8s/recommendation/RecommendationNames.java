package io.pgdba.k8s.recommendation;

import io.pgdba.advisor.index.Recommendation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Deterministic names and labels of IndexRecommendations: the same index definition proposed by
 * the same analysis always gets the same name, so a periodic run updates instead of duplicating,
 * and GitOps diffs stay quiet.
 */
public final class RecommendationNames {

  public static final String ANALYSIS_LABEL = "pgdba.io/analysis";
  public static final String TABLE_LABEL = "pgdba.io/table";
  public static final String KIND_LABEL = "pgdba.io/kind";

  private RecommendationNames() {}

  /** {@code <analysis>-<table>-<hash of the definition>}, a DNS-1123 name of at most 63. */
  public static String name(String analysis, Recommendation r) {
    String definition = String.join("\u0000",
        analysis, r.kind().name(), nz(r.schema()), r.table(), nz(r.method()),
        String.join(",", list(r.columns())), String.join(",", list(r.includeColumns())),
        nz(r.where()), r.kind() == Recommendation.Kind.DropIndex ? nz(r.indexName()) : "");
    String hash = sha256(definition).substring(0, 10);
    String prefix = dns(analysis, 24) + "-" + dns(r.table(), 26);
    return (prefix + "-" + hash).replaceAll("-+", "-");
  }

  /** A label value: at most 63 of [a-z0-9A-Z-_.], starting and ending alphanumeric. */
  public static String labelValue(String value) {
    String v = value == null ? "" : value.replaceAll("[^A-Za-z0-9_.-]", "_");
    if (v.length() > 63) {
      v = v.substring(0, 63);
    }
    return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
  }

  static String kindLabel(Recommendation.Kind kind) {
    return kind == Recommendation.Kind.DropIndex ? "drop-index" : "create-index";
  }

  private static String dns(String value, int max) {
    String v = value == null ? "x" : value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    v = v.replaceAll("^-+", "").replaceAll("-+$", "");
    if (v.length() > max) {
      v = v.substring(0, max).replaceAll("-+$", "");
    }
    return v.isEmpty() ? "x" : v;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static List<String> list(List<String> l) {
    return l == null ? List.of() : l;
  }
}
