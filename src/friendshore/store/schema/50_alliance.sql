-- Alliance layer tables (issue 7): shipbuilding, LNG and defense burden. Every data table has
-- a `source` column: reloading a source replaces exactly its rows (see Store.replace_source).
-- LNG exports and operating liquefaction capacity, and GT completed, also go to `supply`;
-- the 2023 LNG trade matrix goes to `trade_flows` (commodity 'lng', stage 'refine', unit 'bcm').

-- Ships completed per economy of building and year (UNCTADstat US.ShipBuilding 2014-2019;
-- UNCTADstat and UNCTAD's Review of Maritime Transport 2025 for 2020-2025).
CREATE TABLE IF NOT EXISTS ships_built (
    source TEXT NOT NULL,          -- 'unctad-shipbuilding-2020' | 'unctad-rmt-2025'
    year INTEGER NOT NULL,
    unctad_code TEXT NOT NULL,     -- M49 code as text ('0000' = World, '0000u' = World n.e.s.);
                                   -- 2020-2025 file: the ISO3 code, 'EUR' / 'ROW' aggregates
    economy TEXT NOT NULL,         -- UNCTAD label
    country TEXT,                  -- ISO3 for individual economies; NULL for aggregates
    is_aggregate BOOLEAN NOT NULL, -- World, regions, income and political groups: never in shares
    gt DOUBLE,                     -- gross tonnage delivered in the year (GT, not CGT)
    share_of_world_pct DOUBLE,     -- UNCTAD's own percentage of world GT
    unreliable BOOLEAN DEFAULT FALSE, -- UNCTAD footnote "Unreliable - bad quality"
    basis TEXT,                    -- reported | transcribed (printed table, 1,000 GT) | derived
    all_listed BOOLEAN,            -- the file lists every economy for the year (the UNCTADstat
                                   -- export); FALSE: only the economies UNCTAD's tables name
    row_no INTEGER
);

-- Deliveries by ship type (RMT 2025 Table II.6): China, Korea, Japan and the world (WLD).
CREATE TABLE IF NOT EXISTS ships_segments (
    source TEXT NOT NULL,          -- 'unctad-rmt-2025-segments'
    year INTEGER NOT NULL,
    segment TEXT NOT NULL,         -- 'Container ships', 'Bulk carriers', ...
    country TEXT NOT NULL,         -- CHN | KOR | JPN | WLD
    gt DOUBLE,                     -- GT delivered (the table's thousand GT x 1,000)
    row_no INTEGER
);

-- LNG exports and imports per country or region and year (Energy Institute Statistical Review).
CREATE TABLE IF NOT EXISTS lng_trade_totals (
    source TEXT NOT NULL,          -- 'ei-sr2024-lng-exports' | 'ei-sr2024-lng-imports'
    flow TEXT NOT NULL,            -- export | import
    name TEXT NOT NULL,            -- EI row label
    country TEXT,                  -- ISO3, OTH for 'Other …' residuals, NULL for totals
    is_aggregate BOOLEAN NOT NULL, -- 'Total …' rows
    year INTEGER NOT NULL,
    bcm DOUBLE,
    row_no INTEGER
);

-- LNG terminal capacity per country, facility type and status (GEM GGIT, unit sums).
CREATE TABLE IF NOT EXISTS lng_terminals (
    source TEXT NOT NULL,          -- 'gem-ggit-lng-2025-09'
    facility_type TEXT NOT NULL,   -- export (liquefaction) | import (regasification)
    country TEXT NOT NULL,         -- ISO3
    status TEXT NOT NULL,          -- operating | construction | proposed | shelved | ...
    n_units INTEGER,
    n_units_capacity_missing INTEGER,
    capacity_mtpa DOUBLE,          -- million tonnes LNG per year (nameplate)
    capacity_bcm_per_y DOUBLE,     -- GEM's own bcm/yr column
    row_no INTEGER
);

-- SIPRI military expenditure, long format: one measure per source file.
CREATE TABLE IF NOT EXISTS milex (
    source TEXT NOT NULL,          -- 'sipri-milex-2025-share_gdp' ...
    country TEXT NOT NULL,         -- ISO3, or EUU for SIPRI's European Union row
    is_aggregate BOOLEAN NOT NULL,
    year INTEGER NOT NULL,
    measure TEXT NOT NULL,         -- share_gdp (fraction) | current_usd | constant2023_usd
    value DOUBLE,                  -- fraction of GDP, or million USD
    unit TEXT NOT NULL,            -- 'fraction' | 'USD m' | 'USD m (2023)'
    row_no INTEGER
);

-- World Bank GDP, current USD (NY.GDP.MKTP.CD).
CREATE TABLE IF NOT EXISTS gdp (
    source TEXT NOT NULL,          -- 'wb-gdp-current-usd'
    country TEXT NOT NULL,         -- ISO3 or World Bank aggregate code
    is_aggregate BOOLEAN NOT NULL, -- World Bank aggregates (WLD, EUU, HIC …)
    year INTEGER NOT NULL,
    value_usd DOUBLE,
    row_no INTEGER
);
