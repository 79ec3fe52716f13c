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
