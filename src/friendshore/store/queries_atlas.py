"""SQL of the atlas layer: supply rows, coverage per commodity, source status."""

from __future__ import annotations

import pandas as pd

from .store import Store

__all__ = [
    "coverage",
    "export_controls",
    "export_candidates",
    "export_rows",
    "ingest_warnings",
    "trade_stages",
    "source_status",
    "supply_candidates",
    "supply_rows",
    "table_counts",
]


def supply_candidates(store: Store, commodity: str, stage: str, measure: str) -> pd.DataFrame:
    """(source, kind, year, scenario, n_values, n_rows) for one commodity x stage x measure,
    counting country rows only; used to pick the default source and year."""
    return store.query(
        """
        SELECT s.source, src.kind, s.year, s.scenario,
               count(s.value) FILTER (WHERE NOT s.is_aggregate) AS n_values,
               count(*) AS n_rows
        FROM supply s LEFT JOIN sources src USING (source)
        WHERE s.commodity = ? AND s.stage = ? AND s.measure = ?
        GROUP BY ALL
        """,
        [commodity, stage, measure],
    )


def supply_rows(
    store: Store,
    commodity: str,
    stage: str,
    measure: str,
    source: str,
    year: int,
    scenario: str | None,
) -> pd.DataFrame:
    """Every row (countries and aggregates) of one source's commodity x stage x measure x year."""
    return store.query(
        """
        SELECT country, is_aggregate, value, unit, basis, estimated, withheld, lower_bound,
               series, note
        FROM supply
        WHERE commodity = ? AND stage = ? AND measure = ? AND source = ? AND year = ?
              AND scenario IS NOT DISTINCT FROM ?
        """,
        [commodity, stage, measure, source, year, scenario],
    )


def coverage(store: Store) -> pd.DataFrame:
    """(commodity, stage, measure, source, years) for every observed series with a value."""
    return store.query(
        """
        SELECT commodity, stage, measure, source,
               list(DISTINCT year ORDER BY year) AS years
        FROM supply
        WHERE scenario IS NULL AND value IS NOT NULL
        GROUP BY ALL
        ORDER BY commodity, stage, measure, source
        """
    )


def source_status(store: Store) -> pd.DataFrame:
    """The ``sources`` table: what is loaded, from where, which years, how many rows."""
    return store.query(
        "SELECT source, kind, edition, first_year, last_year, rows, path, loaded_at "
        "FROM sources ORDER BY kind, source"
    )


def ingest_warnings(store: Store, source: str | None = None) -> pd.DataFrame:
    """The soft plausibility warnings kept with the loaded sources (of ``source`` if given),
    in file order."""
    return store.query(
        'SELECT source, file, "row", field, "check", message FROM ingest_warnings '
        "WHERE ? IS NULL OR source = ? ORDER BY source, file, \"row\"",
        [source, source],
    )


def table_counts(store: Store, tables: list[str]) -> pd.DataFrame:
    """(table, source, rows) for each of ``tables`` (names come from code, not users)."""
    parts = [
        f"SELECT '{t}' AS \"table\", source, count(*) AS rows FROM \"{t}\" GROUP BY source"
        for t in tables
    ]
    return store.query(" UNION ALL ".join(parts) + ' ORDER BY "table", source')


def export_candidates(store: Store, commodity: str, stage: str) -> pd.DataFrame:
    """(source, kind, year, n_values) of bilateral trade flows with quantities for one
    commodity x stage (top-flow extracts have no quantities and drop out)."""
    return store.query(
        """
        SELECT t.source, src.kind, t.year, count(t.quantity) AS n_values
        FROM trade_flows t LEFT JOIN sources src USING (source)
        WHERE t.commodity = ? AND t.stage = ? AND t.quantity IS NOT NULL
        GROUP BY ALL
        """,
        [commodity, stage],
    )


def export_rows(store: Store, commodity: str, stage: str, source: str, year: int) -> pd.DataFrame:
    """Exports per exporter (quantity summed over importers, own-country rows excluded)."""
    return store.query(
        """
        SELECT exporter AS country, FALSE AS is_aggregate, sum(quantity) AS value,
               any_value(unit) AS unit, NULL AS basis, FALSE AS estimated,
               FALSE AS withheld, FALSE AS lower_bound, string_agg(DISTINCT hs6, ' ') AS series,
               NULL AS note
        FROM trade_flows
        WHERE commodity = ? AND stage = ? AND source = ? AND year = ? AND exporter <> importer
              AND quantity IS NOT NULL
        GROUP BY exporter
        """,
        [commodity, stage, source, year],
    )


def trade_stages(store: Store) -> pd.DataFrame:
    """(commodity, stage) pairs that have bilateral trade flows with quantities."""
    return store.query(
        "SELECT DISTINCT commodity, stage FROM trade_flows WHERE quantity IS NOT NULL"
    )


def export_controls(store: Store) -> pd.DataFrame:
    """Export controls in force (MCS T4) of the newest edition that has them, by country."""
    return store.query(
        """
        SELECT country, control_type, item, since, commodity, data_source, note, source
        FROM export_controls
        WHERE source = (SELECT max(source) FROM export_controls)
        ORDER BY country, row_no, item
        """
    )
