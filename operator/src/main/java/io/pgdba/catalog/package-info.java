/**
 * The target database: where to connect ({@link io.pgdba.catalog.ConnectionSettingsParser}, libpq
 * conventions), how (read-only sessions, {@link io.pgdba.catalog.ReadOnlySession}, with one-line
 * {@link io.pgdba.catalog.TargetConnectionException}s), what it contains ({@link
 * io.pgdba.catalog.CatalogReader} → {@link io.pgdba.catalog.Catalog}) and, without a log, what it
 * runs ({@link io.pgdba.catalog.StatStatementsWorkloadReader}). Plain JDBC: no Kubernetes here.
 */
package io.pgdba.catalog;
