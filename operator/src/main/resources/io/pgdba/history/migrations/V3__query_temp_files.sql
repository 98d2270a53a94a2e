-- Per query and run, the temporary files its statements wrote (log_temp_files lines, grouped by
-- the STATEMENT line's query) and their bytes; null when the source does not say
-- (pg_stat_statements). A sort or hash that starts spilling shows here before it shows in time.
ALTER TABLE query_figures ADD COLUMN temp_files bigint, ADD COLUMN temp_bytes bigint;
