"""Python API of the atlas layer: commodities, supply by country, data status and ingest.

Shares in :func:`supply` are over the sum of the rows that hold production: every country
row plus the source's 'other countries' row (``OTH``). The USGS world total (``WLD``) is
rounded and sometimes excludes US production, so it is kept for checks only: it is reported
in ``DataFrame.attrs`` next to the summed denominator, never used as the denominator.
For rare earths 2024 the rows sum to 393,950 t against a rounded world total of 390,000 t, so
China's 270,000 t is a 68.5 % share of the rows and the published 69.2 % of the world total
(``world_share``); for cobalt 2024 the rows sum to 288,200 t against 290,000 t (DR Congo
76.3 % vs 75.9 %).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..conventions.commodities import all_commodities, derived_series, validate_stage
from ..conventions.commodities import commodity as _commodity
from ..conventions.countries import validate_iso3
from ..errors import FriendshoreError, IngestError, UnknownNameError
from ..readers.registry import READERS, reader
from ..store import Store, queries_atlas
from ._base import get_store

__all__ = ["commodities", "controls", "data_status", "data_warnings", "ingest", "supply"]

MEASURES = ("production", "capacity", "reserves")
#: Source kinds in order of preference when several hold the same commodity, stage and year.
SOURCE_PREFERENCE = ("usgs-mcs", "iea", "baci", "comtrade")
#: Tables the atlas readers fill (for ``data_status``).
ATLAS_TABLES = ["supply", "us_import_reliance", "us_salient", "us_end_use", "us_import_sources",
                "export_controls"]


def commodities(store: Store | None = None) -> pd.DataFrame:
    """Every commodity: slug, name, stages with data (supply rows or trade flows), unit,
    basis, and the years and sources of its supply rows."""
    st = get_store(store)
    cov = queries_atlas.coverage(st)
    years: dict[str, list[int]] = {}
    sources: dict[str, list[str]] = {}
    for rec in cov.itertuples():
        years.setdefault(rec.commodity, []).extend(int(y) for y in rec.years)
        sources.setdefault(rec.commodity, []).append(rec.source)
    derived = pd.DataFrame(
        [dst for dst, src in derived_series().items()
         if ((cov["commodity"] == src[0]) & (cov["stage"] == src[1])).any()],
        columns=["commodity", "stage"])
    pairs = pd.concat([cov[["commodity", "stage"]], queries_atlas.trade_stages(st), derived])
    data_stages = pairs.groupby("commodity")["stage"].agg(set)
    rows = [
        {
            "slug": c.slug,
            "name": c.name,
            "stages": [s for s in c.stages if s in data_stages.get(c.slug, c.stages)],
            "main_stage": c.main_stage,
            "unit": c.unit,
            "basis": c.basis,
            "years": sorted(set(years.get(c.slug, []))),
            "sources": sorted(set(sources.get(c.slug, []))),
        }
        for c in all_commodities().values()
    ]
    return pd.DataFrame(rows)


def _pick(cands: pd.DataFrame, year: int | None, source: str | None) -> pd.Series:
    """The (source, year, scenario) ``supply`` shows: the given year or the latest observed
    year with data; then USGS before IEA and the newest edition first."""
    if source is not None:
        cands = cands[cands["source"] == source]
    if year is not None:
        cands = cands[cands["year"] == year]
    elif len(cands):
        observed = cands[cands["scenario"].isna()]
        pool = observed if len(observed) else cands
        with_data = pool[pool["n_values"] > 0]
        cands = pool[pool["year"] == (with_data if len(with_data) else pool)["year"].max()]
    if cands.empty:
        raise FriendshoreError("no rows")
    rank = cands["kind"].map({k: i for i, k in enumerate(SOURCE_PREFERENCE)}).fillna(99)
    cands = cands.assign(
        _rank=rank, _obs=cands["scenario"].notna(), _has=cands["n_values"] == 0
    ).sort_values(["_has", "_rank", "_obs", "source"], ascending=[True, True, True, False])
    return cands.iloc[0]


def supply(
    commodity: str,
    stage: str | None = None,
    year: int | None = None,
    measure: str = "production",
    source: str | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Countries supplying a commodity at one stage, largest first, with their shares.

    Columns: ``country`` (ISO3), ``<measure>`` (``production`` by default), ``unit``,
    ``share`` (0-1, of the country rows plus 'other countries'), ``world_share`` (0-1, of
    the source's world total; NaN without one), ``estimated``,
    ``withheld``, ``lower_bound``. Aggregate rows are not returned; ``attrs`` holds the
    commodity, stage, year, source, basis, ``denominator`` and the source's ``world_total``.
    Default stage: the commodity's main stage; default year: the latest observed year with
    data; default source: the newest USGS edition, then IEA.

    A stage without production data but with bilateral trade flows (rare-earth permanent
    magnets, HS 850511, the ``component`` stage) returns exporters' shares of world exports
    instead (column ``exports``, ``attrs["measure"] == "exports"``; BACI before Comtrade).
    A market read from another commodity's series (rare-earth ``refine``: the IEA magnet
    rare-earth refining series, basis magnet REE content) returns that series, named in
    ``attrs["series"]``.
    """
    com = _commodity(commodity)
    stage = validate_stage(stage or com.main_stage, where="stage")
    if measure not in MEASURES:
        raise UnknownNameError("measure", measure, MEASURES, where="measure")
    st = get_store(store)
    slug, series_stage = derived_series().get((com.slug, stage), (com.slug, stage))
    cands = queries_atlas.supply_candidates(st, slug, series_stage, measure)
    exports = cands.empty and measure == "production"
    if exports:  # no production data at this stage (magnets): exporters' shares instead
        cands = queries_atlas.export_candidates(st, com.slug, stage).assign(scenario=None)
    if cands.empty:
        have = sorted(set(queries_atlas.coverage(st).query("commodity == @com.slug")["stage"]))
        raise UnknownNameError(
            f"stage with {measure} data for {com.slug}", stage, have, where="stage"
        )
    try:
        pick = _pick(cands, year, source)
    except FriendshoreError:
        pool = cands if source is None else cands[cands["source"] == source]
        years = ", ".join(str(y) for y in sorted(set(pool["year"]))) or "none"
        what = f" in {source}" if source else ""
        raise UnknownNameError(
            f"year for {com.slug}/{stage} {measure}{what} (years with data: {years})",
            str(year), where="year",
        ) from None
    scenario = None if pd.isna(pick["scenario"]) else pick["scenario"]
    if exports:
        measure = "exports"
        rows = queries_atlas.export_rows(st, com.slug, stage, pick["source"], int(pick["year"]))
    else:
        rows = queries_atlas.supply_rows(
            st, slug, series_stage, measure, pick["source"], int(pick["year"]), scenario
        )
    out = _shares(rows, measure).pipe(
        _with_attrs, rows, com.slug, stage, int(pick["year"]), pick["source"], scenario
    )
    out.attrs["measure"] = measure
    out.attrs["series"] = None if slug == com.slug else f"{slug} {series_stage}"
    if exports:
        codes = sorted({c for cell in rows["series"].dropna() for c in cell.split()})
        out.attrs["basis"] = f"gross weight exported, HS {', '.join(codes)}"
    return out


def _shares(rows: pd.DataFrame, measure: str) -> pd.DataFrame:
    countries = rows[~rows["is_aggregate"]].copy()
    other = rows.loc[rows["country"] == "OTH", "value"].sum(min_count=1)
    denom = countries["value"].sum(min_count=1)
    denom = np.nansum([denom, other]) if pd.notna(denom) or pd.notna(other) else np.nan
    countries["share"] = countries["value"] / denom if denom and denom > 0 else np.nan
    world = rows.loc[rows["country"] == "WLD", "value"].sum(min_count=1)
    countries["world_share"] = countries["value"] / world if world and world > 0 else np.nan
    countries = countries.sort_values(["value", "country"], ascending=[False, True],
                                      na_position="last")
    out = countries.rename(columns={"value": measure})[
        ["country", measure, "unit", "share", "world_share", "estimated", "withheld", "lower_bound"]
    ].reset_index(drop=True)
    out.attrs["denominator"] = None if pd.isna(denom) else float(denom)
    out.attrs["other_countries"] = None if pd.isna(other) else float(other)
    return out


def _with_attrs(out, rows, slug, stage, year, source, scenario) -> pd.DataFrame:
    world = rows.loc[rows["country"] == "WLD", "value"].dropna()
    out.attrs.update(
        commodity=slug, stage=stage, year=year, source=source, scenario=scenario,
        basis=rows["basis"].dropna().iloc[0] if rows["basis"].notna().any() else None,
        unit=rows["unit"].iloc[0] if len(rows) else None,
        world_total=float(world.iloc[0]) if len(world) else None,
    )
    return out


def data_status(store: Store | None = None) -> pd.DataFrame:
    """Loaded sources with their kind, edition, years, rows per atlas table and the number of
    soft plausibility warnings they were loaded with (see :func:`data_warnings`)."""
    st = get_store(store)
    status = queries_atlas.source_status(st)
    counts = queries_atlas.table_counts(st, ATLAS_TABLES)
    wide = counts.pivot_table(index="source", columns="table", values="rows", aggfunc="sum")
    wide = wide.reindex(columns=ATLAS_TABLES).astype("Int64")
    out = status.merge(wide, left_on="source", right_index=True, how="left")
    warned = queries_atlas.ingest_warnings(st)["source"].value_counts()
    return out.assign(warnings=out["source"].map(warned).fillna(0).astype(int))


def data_warnings(store: Store | None = None) -> pd.DataFrame:
    """The soft plausibility warnings of the loaded sources (source, file, row, field, check,
    message): data loaded with ``allow_warnings`` or shipped with a known USGS defect."""
    return queries_atlas.ingest_warnings(get_store(store))


def _by_name(warnings: pd.DataFrame) -> pd.Series:
    """One key per warning, its file by name only (a reload from elsewhere is the same)."""
    return pd.Series([(r.source, Path(r.file).name, r.row, r.field, r.message)
                      for r in warnings.itertuples()], index=warnings.index, dtype=object)


def ingest(path: str | Path, source: str, store: Store | None = None, *,
           allow_warnings: bool = False) -> dict:
    """Load a source file or folder (``source``: a reader key such as ``usgs-mcs`` or
    ``iea``) in one transaction: on any error the store is left exactly as it was.

    A file failing a soft plausibility check only (``readers/usgs_checks.py``) is refused
    too, naming its first new finding, unless ``allow_warnings``: then it is loaded and its
    warnings kept for ``data status`` (the same warnings as the store already holds for the
    source are not new). The result lists the source's warnings under ``warnings``."""
    mod = reader(source) if source in READERS else reader(source.lower())
    st = get_store(store)
    before = set(queries_atlas.source_status(st)["source"])
    with st.transaction():
        known = queries_atlas.ingest_warnings(st)
        rows = mod.load(st, Path(path))
        after = queries_atlas.source_status(st)
        new = after[~after["source"].isin(before)]["source"].tolist()
        loaded = new or after.sort_values("loaded_at")["source"].tail(1).tolist()
        warned = queries_atlas.ingest_warnings(st, loaded[0] if loaded else None)
        added = warned[~_by_name(warned).isin(set(_by_name(known)))]
        if len(added) and not allow_warnings:
            first = added.iloc[0]
            raise IngestError(
                f"{first['message']} ({len(added)} new warning(s); nothing loaded: pass "
                "--allow-warnings, or allow_warnings=True, to load it with its warnings)",
                file=first["file"], row=int(first["row"]), field=first["field"])
    return {"source": loaded[0] if loaded else None, "kind": mod.KIND, "rows": int(rows),
            "path": str(path), "warnings": warned["message"].tolist()}


def controls(country: str | None = None, store: Store | None = None) -> pd.DataFrame:
    """Export bans, quotas and licensing requirements in force (USGS MCS 2026 T4, data to
    2025-11-21): one row per (country, control type, item), with the friendshore commodity the
    item names (or None), the year it took effect and USGS's reference. ``country``: ISO3 code
    of the country imposing the control (e.g. ``CHN``); an unknown code is an error."""
    df = queries_atlas.export_controls(get_store(store))
    if country is not None:
        df = df[df["country"] == validate_iso3(country)]
    return df.reset_index(drop=True)
