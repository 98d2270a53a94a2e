-- Per query and run, the errors logged with its statement (null: the source does not say, as
-- pg_stat_statements).
ALTER TABLE query_figures ADD COLUMN errors bigint;

-- How often each index pgdba applied had been scanned (pg_stat_user_indexes.idx_scan, cumulative)
-- when a run was recorded: an applied index that no query uses shows as a series of zeros.
CREATE TABLE index_usage (
    run_id     bigint NOT NULL REFERENCES run ON DELETE CASCADE,
    index_name text   NOT NULL,
    idx_scan   bigint NOT NULL,
    PRIMARY KEY (run_id, index_name)
);
