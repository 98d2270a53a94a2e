package io.pgdba.ddl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Index DDL and its rollback: {@code CREATE INDEX CONCURRENTLY IF NOT EXISTS} with a deterministic
 * readable name, {@code DROP INDEX CONCURRENTLY IF EXISTS}, and the re-creation of an existing
 * index from {@code pg_get_indexdef}. Every identifier goes through {@link Identifiers#quote}.
 */
public final class IndexDdl {

  /** NAMEDATALEN - 1: PostgreSQL silently truncates longer names, which could merge two names. */
  public static final int MAX_NAME_BYTES = 63;

  private static final int HASH_CHARS = 8;
  private static final Pattern CREATE_PREFIX =
      Pattern.compile("^CREATE (UNIQUE )?INDEX (?!CONCURRENTLY)", Pattern.CASE_INSENSITIVE);

  private IndexDdl() {}

  /** The readable name {@code idx_<table>_<keys>[_partial]}, cut to 63 bytes with a hash. */
  public static String name(IndexDefinition def) {
    var base = new StringBuilder("idx_").append(slug(def.table()));
    for (var key : def.keys()) {
      base.append('_').append(slug(key.text()));
    }
    if (def.where() != null) {
      base.append("_partial");
    }
    return fit(base.toString(), signature(def));
  }

  /**
   * {@link #name(IndexDefinition)}, or when that name is already taken (an existing index or
   * another recommendation) the name with a hash suffix: IF NOT EXISTS would otherwise silently
   * keep the other index and the advice would not be applied.
   */
  public static String name(IndexDefinition def, Set<String> taken) {
    String plain = name(def);
    if (!taken.contains(plain)) {
      return plain;
    }
    String hash = hash(signature(def));
    return truncate(plain, MAX_NAME_BYTES - HASH_CHARS - 1) + "_" + hash;
  }

  /** {@code CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON schema.table USING ...}. */
  public static String create(IndexDefinition def, String indexName) {
    return "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + Identifiers.quote(indexName) + " ON "
        + Identifiers.qualified(def.schema(), def.table()) + body(def);
  }

  /** A partition of a partitioned parent and the name of its index in the parent's script. */
  public record PartitionIndex(String schema, String table, String indexName) {}

  /** The first words of a partitioned parent's script, and of no other index DDL here. */
  public static final String PARENT_PREFIX = "CREATE INDEX IF NOT EXISTS ";

  /**
   * The index of a partitioned parent the way it is built on a live system: CREATE INDEX
   * CONCURRENTLY is refused on a parent, and a plain CREATE INDEX on it would lock every
   * partition against writes for the whole build. So the parent's index is created ON ONLY (no
   * build, invalid), each partition's index is built CONCURRENTLY and attached, and the parent's
   * index turns valid when the last partition's is attached. Every statement is idempotent (IF
   * NOT EXISTS; attaching an attached index is a no-op), so a script stopped half-way is re-run.
   *
   * @return the statements in order, each without its ';'
   */
  public static java.util.List<String> createOnParent(IndexDefinition def, String indexName,
      java.util.List<PartitionIndex> partitions) {
    var out = new java.util.ArrayList<String>();
    String parent = Identifiers.qualified(def.schema(), indexName);
    out.add(PARENT_PREFIX + Identifiers.quote(indexName) + " ON ONLY "
        + Identifiers.qualified(def.schema(), def.table()) + body(def));
    for (PartitionIndex p : partitions) {
      out.add("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + Identifiers.quote(p.indexName())
          + " ON " + Identifiers.qualified(p.schema(), p.table()) + body(def));
      out.add("ALTER INDEX " + parent + " ATTACH PARTITION "
          + Identifiers.qualified(p.schema(), p.indexName()));
    }
    return java.util.List.copyOf(out);
  }

  /** Statements as one script, one a line, each ended by ';'. */
  public static String script(java.util.List<String> statements) {
    return String.join(";\n", statements) + ";";
  }

  /**
   * {@code DROP INDEX IF EXISTS schema.name} of a partitioned parent's index: it drops the
   * attached partitions' indexes with it. CONCURRENTLY is refused on a partitioned index.
   */
  public static String dropOnParent(String schema, String indexName) {
    return "DROP INDEX IF EXISTS " + Identifiers.qualified(schema, indexName);
  }

  private static String body(IndexDefinition def) {
    var sql = new StringBuilder(" USING ")
        .append(def.method())
        .append(" (")
        .append(def.keys().stream().map(IndexKey::sql).collect(Collectors.joining(", ")))
        .append(')');
    if (!def.include().isEmpty()) {
      sql.append(" INCLUDE (")
          .append(def.include().stream().map(Identifiers::quote).collect(Collectors.joining(", ")))
          .append(')');
    }
    if (def.where() != null) {
      sql.append(" WHERE ").append(def.where());
    }
    return sql.toString();
  }

  /** {@code DROP INDEX CONCURRENTLY IF EXISTS schema.name}. */
  public static String drop(String schema, String indexName) {
    return "DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.qualified(schema, indexName);
  }

  /**
   * The exact re-creation of an existing index from its {@code pg_get_indexdef} text, made
   * {@code CONCURRENTLY IF NOT EXISTS} so that undoing a drop neither blocks writes nor fails when
   * the index is still there.
   */
  public static String recreate(String indexDefinition) {
    var m = CREATE_PREFIX.matcher(indexDefinition);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "not a CREATE INDEX definition: " + abbreviate(indexDefinition));
    }
    String unique = m.group(1) == null ? "" : "UNIQUE ";
    return "CREATE " + unique + "INDEX CONCURRENTLY IF NOT EXISTS "
        + indexDefinition.substring(m.end());
  }

  /** Lower-case letters and digits of any script; everything else becomes one underscore. */
  static String slug(String text) {
    var out = new StringBuilder();
    text.toLowerCase(Locale.ROOT).codePoints().forEach(cp -> {
      if (Character.isLetterOrDigit(cp)) {
        out.appendCodePoint(cp);
      } else if (out.length() > 0 && out.charAt(out.length() - 1) != '_') {
        out.append('_');
      }
    });
    while (out.length() > 0 && out.charAt(out.length() - 1) == '_') {
      out.setLength(out.length() - 1);
    }
    return out.length() == 0 ? "x" : out.toString();
  }

  private static String fit(String name, String signature) {
    if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
      return name;
    }
    return truncate(name, MAX_NAME_BYTES - HASH_CHARS - 1) + "_" + hash(signature);
  }

  /** Cuts to at most {@code maxBytes} of UTF-8 without splitting a character. */
  static String truncate(String s, int maxBytes) {
    var out = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + len > maxBytes) {
        break;
      }
      out.appendCodePoint(cp);
      bytes += len;
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  /** Everything that makes the index what it is, so that the hash differs when the index does. */
  private static String signature(IndexDefinition def) {
    return String.join("\u0000", def.schema(), def.table(), def.method(),
        def.keys().stream().map(IndexKey::sql).collect(Collectors.joining(",")),
        String.join(",", def.include()), String.valueOf(def.where()));
  }

  private static String hash(String text) {
    try {
      var digest = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
