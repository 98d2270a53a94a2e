package io.pgdba.advisor.config;

import java.util.Locale;
import java.util.Set;

/**
 * Where the server runs, which decides how a setting is changed (ALTER SYSTEM, the Cluster's
 * {@code spec.postgresql.parameters}, a cloud parameter group) and which ones pgdba must not
 * touch.
 */
public enum Environment {
  /** A CloudNativePG Cluster: parameters go in spec.postgresql.parameters, some are its own. */
  CLOUDNATIVEPG("CloudNativePG"),
  /** Amazon RDS or Aurora: a DB parameter group, no ALTER SYSTEM. */
  RDS("Amazon RDS"),
  /** Google Cloud SQL: database flags, no ALTER SYSTEM. */
  CLOUD_SQL("Google Cloud SQL"),
  /** Azure Database for PostgreSQL: server parameters, no ALTER SYSTEM. */
  AZURE("Azure Database for PostgreSQL"),
  /** A server pgdba knows nothing special about (a plain StatefulSet, a VM). */
  SELF_MANAGED("self-managed");

  /** The advisor setting the operator sets ({@code cnpg}, {@code statefulset}). */
  public static final String SETTING = "environment";

  /**
   * The parameters CloudNativePG sets itself and rejects in spec.postgresql.parameters (its
   * webhook's fixed and blocked lists, pkg/postgres/configuration.go and the "Fixed parameters"
   * section of its documentation), plus the ones it manages per instance.
   */
  static final Set<String> CNPG_FIXED = Set.of(
      "allow_alter_system", "allow_system_table_mods", "archive_cleanup_command",
      "archive_command", "archive_mode", "archive_timeout", "bonjour", "bonjour_name",
      "cluster_name", "config_file", "data_directory", "data_sync_retry", "event_source",
      "external_pid_file", "full_page_writes", "hba_file", "hot_standby", "huge_pages",
      "ident_file", "jit_provider", "listen_addresses", "log_destination", "log_directory",
      "log_file_mode", "log_filename", "log_rotation_age", "log_rotation_size",
      "log_truncate_on_rotation", "logging_collector", "port", "primary_conninfo",
      "primary_slot_name", "promote_trigger_file", "recovery_end_command",
      "recovery_min_apply_delay", "recovery_target", "recovery_target_action",
      "recovery_target_inclusive", "recovery_target_lsn", "recovery_target_name",
      "recovery_target_time", "recovery_target_timeline", "recovery_target_xid",
      "restart_after_crash", "restore_command", "shared_preload_libraries", "ssl", "ssl_ca_file",
      "ssl_cert_file", "ssl_ciphers", "ssl_crl_file", "ssl_dh_params_file", "ssl_ecdh_curve",
      "ssl_key_file", "ssl_max_protocol_version", "ssl_min_protocol_version",
      "ssl_passphrase_command", "ssl_passphrase_command_supports_reload",
      "ssl_prefer_server_ciphers", "stats_temp_directory", "synchronized_standby_slots",
      "synchronous_standby_names", "syslog_facility", "syslog_ident", "syslog_sequence_numbers",
      "syslog_split_messages", "temp_tablespaces", "unix_socket_directories",
      "unix_socket_group", "unix_socket_permissions", "wal_level", "wal_log_hints",
      // CloudNativePG writes csvlog and turns it into JSON: the prefix is never read
      "log_line_prefix");

  private final String label;

  Environment(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** True when pgdba may propose {@code parameter} here. */
  public boolean mayPropose(String parameter) {
    return this != CLOUDNATIVEPG || !CNPG_FIXED.contains(parameter.toLowerCase(Locale.ROOT));
  }

  /** True when ALTER SYSTEM is the way to change a setting (not a Cluster or a cloud console). */
  public boolean usesAlterSystem() {
    return this == SELF_MANAGED;
  }

  /**
   * From the operator's hint, else from the server's own parameters: CloudNativePG writes
   * {@code cnpg.config_sha256}, the clouds add their {@code rds.}, {@code cloudsql.} and
   * {@code azure.} parameters.
   */
  public static Environment detect(String hint, Set<String> parameterNames) {
    if (hint != null && hint.strip().equalsIgnoreCase("cnpg")) {
      return CLOUDNATIVEPG;
    }
    boolean cnpg = false;
    boolean rds = false;
    boolean cloudSql = false;
    boolean azure = false;
    for (var n : parameterNames) {
      cnpg |= n.startsWith("cnpg.");
      rds |= n.startsWith("rds.") || n.startsWith("aurora.");
      cloudSql |= n.startsWith("cloudsql.");
      azure |= n.startsWith("azure.");
    }
    if (cnpg) {
      return CLOUDNATIVEPG;
    }
    if (rds) {
      return RDS;
    }
    if (cloudSql) {
      return CLOUD_SQL;
    }
    return azure ? AZURE : SELF_MANAGED;
  }
}
