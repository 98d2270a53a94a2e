-- pgdba's memory of past analyses. One row per run, one per query and run (only the queries that
-- ran), queries' texts once. Times are milliseconds. Sizes: see the README's History section.

CREATE TABLE run (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    analysis       text        NOT NULL,
    recorded_at    timestamptz NOT NULL,
    period_start   timestamptz,
    period_end     timestamptz,
    source         text        NOT NULL CHECK (source IN ('logs', 'pg_stat_statements')),
    server_version text,
    settings_hash  text,
    statements     bigint      NOT NULL,
    total_time_ms  double precision NOT NULL,
    applied        text[]      NOT NULL DEFAULT '{}'
);
CREATE INDEX run_by_analysis_and_time ON run (analysis, recorded_at);

CREATE TABLE query (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint text NOT NULL UNIQUE,
    query       text NOT NULL
);

-- real (4 bytes) is enough for times: a run's figure is itself an estimate to 1 %.
CREATE TABLE query_figures (
    query_id   integer NOT NULL REFERENCES query,
    run_id     bigint  NOT NULL REFERENCES run ON DELETE CASCADE,
    calls      bigint  NOT NULL,
    total_ms   double precision NOT NULL,
    mean_ms    real    NOT NULL,
    p95_ms     real,
    spread_ms  real,
    plan_shape text,
    PRIMARY KEY (query_id, run_id)
);
CREATE INDEX query_figures_by_run ON query_figures (run_id);

CREATE TABLE baseline (
    analysis   text        NOT NULL,
    name       text        NOT NULL,
    from_time  timestamptz NOT NULL,
    to_time    timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (analysis, name),
    CHECK (from_time <= to_time)
);
