-- Supply atlas tables (issue 2). Every data table has a `source` column: reloading a source
-- replaces exactly its rows (see Store.replace_source).

-- Production, capacity and reserves per commodity x stage x country x year.
CREATE TABLE IF NOT EXISTS supply (
    source TEXT NOT NULL,          -- e.g. 'usgs-mcs-2025', 'iea-cm-2024'
    commodity TEXT NOT NULL,       -- slug, see data/commodities.csv
    stage TEXT NOT NULL,           -- mine | refine | component
    country TEXT NOT NULL,         -- ISO3, or WLD / OTH for aggregate rows
    is_aggregate BOOLEAN NOT NULL, -- world totals and 'other countries': never in shares
    measure TEXT NOT NULL,         -- production | capacity | reserves
    year INTEGER NOT NULL,
    value DOUBLE,                  -- in `unit`; NULL when withheld or not available
    unit TEXT NOT NULL,            -- 't' for every mass (converted); else the source's unit
    basis TEXT,                    -- content basis, e.g. 'REO', 'Co content', 'LCE'
    scenario TEXT,                 -- projections only (IEA): 'base', 'STEPS', ...; NULL = observed
    estimated BOOLEAN DEFAULT FALSE,
    withheld BOOLEAN DEFAULT FALSE, -- USGS 'W'
    lower_bound BOOLEAN DEFAULT FALSE, -- value written as '>N'
    series TEXT,                   -- the source's own TYPE / row label
    note TEXT,
    row_no INTEGER                 -- row in the source file, for traceability
);

-- Bilateral trade flows (BACI, Comtrade, Energy Institute LNG ...).
CREATE TABLE IF NOT EXISTS trade_flows (
    source TEXT NOT NULL,          -- e.g. 'baci-hs17-2024', 'comtrade-2024', 'ei-sr2024-lng'
    year INTEGER NOT NULL,
    commodity TEXT NOT NULL,
    stage TEXT NOT NULL,
    hs6 TEXT,                      -- NULL for non-HS sources
    exporter TEXT NOT NULL,        -- ISO3
    importer TEXT NOT NULL,        -- ISO3
    value_usd DOUBLE,              -- current US dollars
    quantity DOUBLE,               -- in `unit`
    unit TEXT                      -- 't' for mass, 'bcm' for LNG
);

-- World Bank Worldwide Governance Indicators (reduced to what the risk metrics use).
CREATE TABLE IF NOT EXISTS governance (
    source TEXT NOT NULL,
    country TEXT NOT NULL,         -- ISO3
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL,       -- va, pv, ge, rq, rl, cc
    estimate DOUBLE,               -- -2.5 .. 2.5
    pctrank DOUBLE                 -- 0 .. 100
);
