"""SQL of the alliance layer (shipbuilding, LNG, defense burden); no SQL lives elsewhere."""

from __future__ import annotations

import pandas as pd

from .store import Store

__all__ = [
    "gdp",
    "lng_exports_imports",
    "lng_terminals",
    "lng_trade_matrix",
    "milex",
    "ships_built",
    "ships_segments",
    "ships_world",
]


def ships_built(store: Store) -> pd.DataFrame:
    """GT delivered per individual economy (ISO3) and year; aggregates excluded."""
    return store.query(
        "SELECT country, economy, year, gt, unreliable, basis, all_listed FROM ships_built "
        "WHERE NOT is_aggregate ORDER BY year, country"
    )


def ships_world(store: Store) -> pd.DataFrame:
    """UNCTAD's World row (code 0000): GT delivered per year, the denominator of shares."""
    return store.query(
        "SELECT year, gt AS world_gt, all_listed FROM ships_built WHERE unctad_code = '0000' "
        "ORDER BY year"
    )


def ships_segments(store: Store) -> pd.DataFrame:
    """GT delivered per year, ship type and country (CHN, KOR, JPN, WLD = world)."""
    return store.query(
        "SELECT year, segment, country, gt FROM ships_segments ORDER BY year, segment, country"
    )


def lng_trade_matrix(store: Store, year: int | None = None) -> pd.DataFrame:
    """Bilateral LNG flows (bcm) from ``trade_flows``; latest year when ``year`` is None."""
    return store.query(
        "SELECT year, exporter, importer, quantity AS bcm, source FROM trade_flows "
        "WHERE commodity = 'lng' AND year = COALESCE(?, (SELECT max(year) FROM trade_flows "
        "WHERE commodity = 'lng')) ORDER BY exporter, importer",
        [year],
    )


def lng_exports_imports(store: Store) -> pd.DataFrame:
    """LNG exports and imports per EI row and year, with the aggregate flag."""
    return store.query(
        "SELECT flow, name, country, is_aggregate, year, bcm FROM lng_trade_totals "
        "ORDER BY flow, name, year"
    )


def lng_terminals(store: Store, facility_type: str | None = None) -> pd.DataFrame:
    """LNG terminal capacity per country and status (GEM), optionally one facility type."""
    return store.query(
        "SELECT facility_type, country, status, n_units, n_units_capacity_missing, "
        "capacity_mtpa, capacity_bcm_per_y FROM lng_terminals "
        "WHERE ? IS NULL OR facility_type = ? ORDER BY facility_type, country, status",
        [facility_type, facility_type],
    )


def milex(store: Store, measure: str = "share_gdp") -> pd.DataFrame:
    """SIPRI military expenditure for one measure, individual countries, non-null values."""
    return store.query(
        "SELECT country, year, value FROM milex WHERE measure = ? AND NOT is_aggregate "
        "AND value IS NOT NULL ORDER BY country, year",
        [measure],
    )


def gdp(store: Store) -> pd.DataFrame:
    """World Bank GDP in current USD per country and year (aggregates excluded)."""
    return store.query(
        "SELECT country, year, value_usd FROM gdp WHERE NOT is_aggregate AND value_usd IS NOT NULL "
        "ORDER BY country, year"
    )
