"""SQL of the stress layer: the observed supply and bilateral trade rows the network needs."""

from __future__ import annotations

import pandas as pd

from .store import Store

__all__ = ["network_signature", "observed_supply", "rare_earth_production", "trade_quantities",
           "us_import_sources", "us_net_import_reliance", "us_salient_values"]


def observed_supply(store: Store) -> pd.DataFrame:
    """Observed (non-projection) production, capacity and reserves rows, aggregates included."""
    return store.query(
        """
        SELECT source, commodity, stage, country, is_aggregate, measure, year,
               coalesce(value, 0) AS value, unit
        FROM supply
        WHERE scenario IS NULL AND measure IN ('production', 'capacity', 'reserves')
        """
    )


def rare_earth_production(store: Store) -> pd.DataFrame:
    """Every production row of ``rare_earths`` and ``magnet_rare_earths`` (all columns); inside
    a build transaction it sees the rows loaded before it (the element series derive from
    them)."""
    return store.query(
        """
        SELECT * FROM supply
        WHERE commodity IN ('rare_earths', 'magnet_rare_earths') AND measure = 'production'
        """
    )


def trade_quantities(store: Store) -> pd.DataFrame:
    """Bilateral trade quantities (> 0) between different countries, every source and year."""
    return store.query(
        """
        SELECT source, year, commodity, stage, hs6, exporter, importer, quantity, unit
        FROM trade_flows
        WHERE quantity > 0 AND exporter <> importer
        """
    )


def us_salient_values(store: Store) -> pd.DataFrame:
    """US salient statistics with a value: (source, commodity, variable, year, value, unit)."""
    return store.query(
        """
        SELECT source, commodity, variable, year, value, unit
        FROM us_salient
        WHERE commodity IS NOT NULL AND value IS NOT NULL
        """
    )


def us_import_sources(store: Store) -> pd.DataFrame:
    """USGS Fig2 major US import sources (ISO3, descending share) per commodity."""
    return store.query(
        "SELECT commodity, import_sources FROM us_import_reliance WHERE import_sources IS NOT NULL"
    )


def us_net_import_reliance(store: Store) -> pd.DataFrame:
    """USGS's published US net import reliance (percent), every edition: the calibration
    target of the network (commodity, stage, year, nir_pct, bound, net_exporter, source)."""
    return store.query(
        "SELECT source, commodity, stage, year, nir_pct, bound, net_exporter "
        "FROM us_import_reliance ORDER BY commodity, stage, year"
    )


def network_signature(store: Store) -> str:
    """Changes whenever a source is (re)loaded: the network cache key."""
    df = store.query("SELECT count(*) AS n, max(loaded_at) AS t, sum(rows) AS r FROM sources")
    return "|".join(str(v) for v in df.iloc[0].tolist())
