-- Core tables: build metadata, loaded sources, saved runs.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY,      -- e.g. 'usgs-mcs-2025'
    kind TEXT NOT NULL,           -- reader key, e.g. 'usgs-mcs'
    edition TEXT,                 -- e.g. 'MCS2025'
    path TEXT,                    -- file it was read from
    first_year INTEGER,
    last_year INTEGER,
    rows BIGINT,
    loaded_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,           -- 'stress', 'plan', 'sweep', ...
    name TEXT,
    created_at TIMESTAMP NOT NULL,
    version TEXT,
    seed BIGINT,
    inputs JSON,
    outputs JSON
);
-- Soft plausibility findings of a loaded source (readers/usgs_checks.py), kept for `data status`;
-- replaced with the source's rows on each reload.
CREATE TABLE IF NOT EXISTS ingest_warnings (
    source TEXT NOT NULL,
    file TEXT,                    -- file the finding is in
    "row" INTEGER,                -- its row (header = 1)
    field TEXT,                   -- its column
    "check" TEXT,                 -- 'world-rounding', 'known-defect'
    message TEXT
);
