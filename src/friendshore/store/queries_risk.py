"""SQL of the risk layer: the production series each commodity x stage uses, reserves,
governance, US import reliance and trade flows, each in one query over all commodities."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .store import Store

__all__ = [
    "governance_mean",
    "observed_years",
    "picked_rows",
    "sources_loaded",
    "trade_by_partner",
    "trade_by_partner_group",
    "trade_sources",
    "trade_totals",
    "trade_totals_group",
    "us_import_reliance",
]

#: Source kinds in order of preference for the same commodity, stage and year (as in atlas).
_KIND_ORDER = "CASE src.kind WHEN 'usgs-mcs' THEN 0 WHEN 'iea' THEN 1 ELSE 9 END"


def sources_loaded(store: Store) -> tuple[tuple[str, str], ...]:
    """(source, loaded_at) of every loaded source: changes whenever any source is (re)loaded."""
    df = store.query("SELECT source, CAST(loaded_at AS VARCHAR) AS t FROM sources ORDER BY source")
    return tuple(zip(df["source"], df["t"].fillna(""), strict=True))


def picked_rows(store: Store, measure: str, year: int | None) -> pd.DataFrame:
    """Rows of the one observed series per commodity x stage: ``year`` (default: the latest
    with a country value), USGS before IEA, the newest edition first.

    For ``measure='reserves'`` the series is taken from the source chosen for production, its
    latest reserves year up to the production year (USGS publishes reserves for one year)."""
    pick = f"""
        WITH cand AS (
            SELECT s.source, s.commodity, s.stage, s.year,
                   row_number() OVER (
                       PARTITION BY s.commodity, s.stage
                       ORDER BY s.year DESC, {_KIND_ORDER}, s.source DESC) AS rk
            FROM supply s LEFT JOIN sources src USING (source)
            WHERE s.measure = 'production' AND s.scenario IS NULL
                  AND (CAST(? AS INTEGER) IS NULL OR s.year = ?)
            GROUP BY s.source, s.commodity, s.stage, s.year, src.kind
            HAVING count(s.value) FILTER (WHERE NOT s.is_aggregate) > 0
        ), picked AS (SELECT source, commodity, stage, year FROM cand WHERE rk = 1)
    """
    if measure == "production":
        sql = pick + """
            SELECT s.commodity, s.stage, s.year, s.country, s.value, s.unit, s.source,
                   src.kind
            FROM supply s JOIN picked p USING (source, commodity, stage, year)
                 LEFT JOIN sources src ON src.source = s.source
            WHERE s.measure = 'production' AND s.scenario IS NULL
        """
    else:
        sql = pick + """
            , ry AS (
                SELECT s.source, s.commodity, s.stage, p.year, max(s.year) AS ryear
                FROM supply s JOIN picked p USING (source, commodity, stage)
                WHERE s.measure = ? AND s.scenario IS NULL AND s.year <= p.year + 1
                GROUP BY ALL
            )
            SELECT s.commodity, s.stage, ry.year, s.year AS measure_year, s.country,
                   s.value, s.lower_bound, s.unit, s.source
            FROM supply s JOIN ry ON s.source = ry.source AND s.commodity = ry.commodity
                 AND s.stage = ry.stage AND s.year = ry.ryear
            WHERE s.measure = ? AND s.scenario IS NULL
        """
    params: list = [year, year] + ([] if measure == "production" else [measure, measure])
    return store.query(sql, params)


def governance_mean(store: Store, indicators: Sequence[str]) -> pd.DataFrame:
    """Mean WGI estimate over ``indicators`` per country and year (NULL estimates skipped)."""
    return store.query(
        """
        SELECT country, year, avg(estimate) AS estimate, count(estimate) AS n
        FROM governance WHERE list_contains(?, indicator)
        GROUP BY country, year
        """,
        [list(indicators)],
    )


def us_import_reliance(store: Store) -> pd.DataFrame:
    """US net import reliance per commodity x stage from the newest loaded edition."""
    return store.query(
        """
        SELECT commodity, stage, year, nir_pct, bound, net_exporter, import_sources
        FROM us_import_reliance
        QUALIFY row_number() OVER (PARTITION BY commodity, stage ORDER BY source DESC) = 1
        """
    )


def trade_totals(store: Store, source: str, country: str) -> pd.DataFrame:
    """``country``'s imports and exports (t and USD) per commodity x stage x HS6 x year."""
    return store.query(
        """
        SELECT commodity, stage, hs6, year,
               sum(quantity) FILTER (WHERE importer = $c) AS imports_t,
               sum(quantity) FILTER (WHERE exporter = $c) AS exports_t,
               sum(value_usd) FILTER (WHERE importer = $c) AS imports_usd,
               sum(value_usd) FILTER (WHERE exporter = $c) AS exports_usd
        FROM trade_flows
        WHERE source = $s AND (importer = $c OR exporter = $c)
        GROUP BY ALL
        """,
        {"s": source, "c": country},
    )


def trade_by_partner(
    store: Store, source: str, importer: str, commodity: str | None = None
) -> pd.DataFrame:
    """Imports of ``importer`` by exporter (value and t) per commodity x stage x year."""
    return store.query(
        """
        SELECT commodity, stage, hs6, year, exporter,
               sum(value_usd) AS value_usd, sum(quantity) AS quantity
        FROM trade_flows
        WHERE source = $s AND importer = $i AND ($c IS NULL OR commodity = $c)
        GROUP BY ALL
        """,
        {"s": source, "i": importer, "c": commodity},
    )


def trade_totals_group(store: Store, source: str, members: Sequence[str]) -> pd.DataFrame:
    """A country group's trade with the rest of the world (flows inside the group skipped):
    imports and exports in t per commodity x stage x HS6 x year."""
    return store.query(
        """
        SELECT commodity, stage, hs6, year,
               sum(quantity) FILTER (WHERE list_contains($m, importer)) AS imports_t,
               sum(quantity) FILTER (WHERE list_contains($m, exporter)) AS exports_t
        FROM trade_flows
        WHERE source = $s AND list_contains($m, importer) <> list_contains($m, exporter)
        GROUP BY ALL
        """,
        {"s": source, "m": list(members)},
    )


def trade_by_partner_group(store: Store, source: str, members: Sequence[str]) -> pd.DataFrame:
    """A country group's imports from outside it by exporter (value and t) per commodity x
    stage x year."""
    return store.query(
        """
        SELECT commodity, stage, hs6, year, exporter,
               sum(value_usd) AS value_usd, sum(quantity) AS quantity
        FROM trade_flows
        WHERE source = $s AND list_contains($m, importer) AND NOT list_contains($m, exporter)
        GROUP BY ALL
        """,
        {"s": source, "m": list(members)},
    )


def observed_years(store: Store) -> list[int]:
    """Years with at least one observed production value, ascending."""
    df = store.query(
        "SELECT DISTINCT year FROM supply WHERE measure = 'production' AND scenario IS NULL "
        "AND value IS NOT NULL ORDER BY year"
    )
    return [int(y) for y in df["year"]]


def trade_sources(store: Store) -> list[str]:
    """Sources with rows in ``trade_flows``."""
    return store.query("SELECT DISTINCT source FROM trade_flows ORDER BY 1")["source"].tolist()
