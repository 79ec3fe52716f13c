-- USGS MCS US-side tables (issue 2, atlas layer). Commodity = slug (data/commodities.csv);
-- countries = ISO3. Percentages are 0-100 as USGS publishes them.
--
-- Contract of the `supply` table (10_atlas.sql) as the atlas readers fill it:
-- * unique per (source, commodity, stage, country, measure, year, scenario);
-- * one USGS series per (commodity, stage) (data/usgs_series.csv); values in t except
--   helium (m3) and diamonds (carats); country rows have is_aggregate = FALSE;
-- * aggregates: WLD (USGS 'World total', IEA 'Total') and OTH ('Other countries', IEA
--   'Rest of world', and combined rows such as 'United States and Canada', summed into OTH);
-- * shares: country / (sum of country rows + OTH); WLD is for checks only;
-- * several sources hold the same commodity and year (usgs-mcs-2025 and iea-cm-2024 both have
--   2023): always filter on one source; api.atlas picks the newest USGS edition first.

-- US net import reliance and major import sources (MCS Fig2; T5 fills the primary source of
-- critical minerals Fig2 lacks). One row per (source, commodity, stage).
CREATE TABLE IF NOT EXISTS us_import_reliance (
    source TEXT NOT NULL,          -- e.g. 'usgs-mcs-2025'
    commodity TEXT NOT NULL,       -- slug
    stage TEXT,                    -- stage of the form USGS reports (refined copper: refine)
    year INTEGER NOT NULL,         -- NIR year (2024 in MCS2025)
    nir_pct DOUBLE,                -- 0-100; NULL when USGS gives none ('E' = net exporter)
    bound TEXT,                    -- '>' (at least), '<' (below) or NULL (exact)
    net_exporter BOOLEAN DEFAULT FALSE, -- USGS 'E'
    import_sources TEXT[],         -- ISO3, descending import share (Fig2 years 2020-2023)
    usgs_name TEXT,                -- the label USGS used, e.g. 'COPPER, refined'
    note TEXT
);

-- US salient statistics (85 per-commodity files + T5), long format.
CREATE TABLE IF NOT EXISTS us_salient (
    source TEXT NOT NULL,
    commodity TEXT,                -- slug; NULL for USGS commodities friendshore has no slug for
    usgs_name TEXT NOT NULL,       -- file code / label, e.g. 'rareee' or 'Rare Earths'
    year INTEGER NOT NULL,
    variable TEXT NOT NULL,        -- USGS column name without its unit suffix, e.g. 'NIR'
    value DOUBLE,                  -- converted: masses in t; others in `unit`
    unit TEXT,                     -- 't', 'pct', 'USD/kg', ... (USGS suffix when not a mass)
    flag TEXT,                     -- raw text when not a plain number: 'W', 'NA', 'E', '>95'
    estimated BOOLEAN DEFAULT FALSE
);

-- Primary end uses of critical minerals (MCS T4).
CREATE TABLE IF NOT EXISTS us_end_use (
    source TEXT NOT NULL,
    commodity TEXT,                -- slug or NULL
    usgs_name TEXT NOT NULL,
    end_use_text TEXT NOT NULL,
    note TEXT
);

-- US import sources with their shares (MCS 2026 Fig3: percent of US imports 2021-2024).
CREATE TABLE IF NOT EXISTS us_import_sources (
    source TEXT NOT NULL,
    commodity TEXT,                -- slug or NULL
    stage TEXT,
    usgs_name TEXT NOT NULL,       -- e.g. 'Copper, refined'
    country TEXT NOT NULL,         -- ISO3, or OTH for USGS 'Other'
    share_pct DOUBLE,              -- 0-100
    years TEXT                     -- '2021-2024'
);

-- Export bans, quotas and licensing in force (MCS 2026 T4, data to 2025-11-21): one row per
-- (country, control type, item) of the table's Commodity_Year cell.
CREATE TABLE IF NOT EXISTS export_controls (
    source TEXT NOT NULL,
    country TEXT NOT NULL,         -- ISO3 of the country imposing the control
    control_type TEXT NOT NULL,    -- 'Export ban', 'Export licensing', 'Export quota', ...
    item TEXT NOT NULL,            -- as USGS writes it, e.g. 'gallium'
    since TEXT,                    -- the year text in parentheses, e.g. '2023'
    commodity TEXT,                -- slug the item names, or NULL
    data_source TEXT,              -- USGS's reference (URL)
    note TEXT,
    row_no INTEGER                 -- row of the T4 file
);
