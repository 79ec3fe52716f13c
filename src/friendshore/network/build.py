"""Build the SupplyNetwork from the store, once per process and store state (cached).

Per (commodity, stage) market (see docs/stress.md, "Network"):

- **production**: the latest observed year of the source with most country rows (USGS MCS
  before IEA when the years tie); aggregate rows are dropped except ``OTH``, which stays as a
  producer (``OTH`` = world minus listed countries when only a world total is given); withheld
  values count as 0. A market with trade data but no production data takes each exporter's
  exports as its production (estimate; e.g. magnets, HS 850511). ``rare_earths`` ``refine``
  (separated magnet rare earths) is the IEA ``magnet_rare_earths`` refine series.
- **flows**: where trade quantities exist (BACI first, then other sources; the year closest
  to the production year), each producer's exports keep the source's destination shares
  but are scaled down to at most its production; the rest of its production is its own use.
  Exports by non-producers (re-exports) are dropped. Otherwise a *proportional-sourcing
  estimate*: demand is the next stage's production, times a named conversion factor where
  one exists (the rest of world output is used by its producers), else rescaled to this
  stage's world total; each country first uses its own output, and importers source their
  deficit from producers in proportion to their exportable surplus. A market with neither
  keeps all output at home.
- **lumped HS codes** (one code shared by several commodities, e.g. 811292): the quantities
  are not the commodity's own exports; the bilateral pattern is scaled by the commodity's
  estimated share of the code's tonnage (from the US calibration, else
  ``stress_lumped_trade_share``) before the trade rule applies.
- **US calibration**: where ``data/network/us_consumption.csv`` names USGS salient variables
  in the market's basis, US production is set to their sum (USGS's primary + secondary
  production, the basis of its net import reliance; the US's deliveries scale with it) and US
  demand to the apparent consumption; the US keeps its own output first and imports the rest
  from its current sources (else USGS Fig2 sources, else all producers), whose other
  deliveries shrink so their production is unchanged. :func:`.checks.check_calibration` then
  compares the implied US net import reliance with USGS's.
- **capacity**: from the store where known (never below production), else production ×
  (1 + ``stress_spare_capacity``).
- **demand**: apparent consumption, the column sums of flows.
- **stockpile_months**: the ``stress_stockpile_months*`` assumptions at the stages holders
  keep (``stress_stockpile_stages``: mine and refine, never magnets), or the commodity's own
  ``<commodity>_stockpile_months_by_country`` assumption where one exists, e.g. LNG.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..assumptions import Assumptions, all_assumptions, unrecorded
from ..conventions.commodities import all_commodities, derived_series
from ..conventions.countries import validate_iso3
from ..errors import FriendshoreError, IngestError
from ..readers import ree_elements, usgs_mcs
from ..readers.trade import magnet_import_shares
from ..scenario.spec import STAGES
from ..store import Store
from ..store.queries_stress import (
    network_signature,
    observed_supply,
    trade_quantities,
    us_import_sources,
    us_net_import_reliance,
    us_salient_values,
)
from .checks import calibration_table, check_calibration, check_network
from .supply import SupplyNetwork

__all__ = ["build_network", "calibration", "lumped_codes", "read_uncalibrated",
           "stockpile_months", "stockpile_settings", "uncalibrated_markets", "us_consumption_map"]

_cache: dict[tuple[str, ...], tuple[SupplyNetwork, str | None]] = {}
_lock = threading.Lock()

#: Named conversion factors: this market's input per unit of the next stage's output.
_CONVERSION = {
    ("rare_earths", "mine"): "stress_ree_mine_per_magnet_ree",
    ("rare_earths", "refine"): "stress_ree_magnet_ree_per_magnet",
}
#: Markets whose production is partly published tonnages by country (a named assumption);
#: the countries it does not name keep the trade-based estimate.
_PRODUCTION_POINTS = {("rare_earths", "component"): "rare_earths_magnet_production_t"}
#: Importers whose magnet imports are split by origin as in BACI 2018–2024.
_MAGNET_MARKET, _MAGNET_IMPORTERS = ("rare_earths", "component"), ("JPN", "USA")
#: Market whose importers' China share is a named assumption (no bilateral data).
_CHINA_SHARE = {("rare_earths", "refine"): "rare_earths_refine_china_import_share"}
#: Assumptions the network depends on (part of the cache key).
_NETWORK_ASSUMPTIONS = ("stress_spare_capacity", "stress_lumped_trade_share",
                        "stress_calibration_tolerance_pp", "stress_stockpile_stages",
                        "rare_earths_magnet_import_source_years", "rare_earths_ore_by_country",
                        "rare_earths_ore_default", *_CONVERSION.values(),
                        *_PRODUCTION_POINTS.values(), *_CHINA_SHARE.values())


@cache
def lumped_codes() -> frozenset[str]:
    """HS6 codes shared by several commodities (their quantities pool those commodities)."""
    counts = Counter(code for c in all_commodities().values() for code in c.hs6)
    return frozenset(code for code, n in counts.items() if n > 1)


@cache
def us_consumption_map() -> pd.DataFrame:
    """(commodity, stage, edition) -> USGS salient variables in the market's basis:
    ``variable`` (US apparent consumption) and ``production`` (US production, ``|``-separated
    and summed); blank = the network's own value. ``edition`` (``MCS2025``, ``MCS2026``) names
    the release whose variable names the row uses; a market takes the newest loaded edition
    whose variables have values (see ``_us_targets``)."""
    path = resources.files("friendshore") / "data" / "network" / "us_consumption.csv"
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def read_uncalibrated(path: str | Path) -> pd.DataFrame:
    """Markets whose US net import reliance is not held to USGS's, each with its reason and
    source (``commodity, stage, reason, source``); a missing column, a blank cell, an unknown
    commodity or stage is an error naming the file, row and field."""
    name = Path(str(path)).name
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in ("commodity", "stage", "reason", "source"):
        if col not in df.columns:
            raise IngestError("missing column", file=name, row=1, field=col)
    known = all_commodities()
    for i, r in enumerate(df.itertuples(), start=2):
        for col in ("commodity", "stage", "reason", "source"):
            if not str(getattr(r, col)).strip():
                raise IngestError("missing value", file=name, row=i, field=col)
        if r.commodity not in known:
            raise IngestError(f"unknown commodity {r.commodity!r}", file=name, row=i,
                              field="commodity")
        if r.stage not in STAGES:
            raise IngestError(f"unknown stage {r.stage!r}", file=name, row=i, field="stage")
    return df


@cache
def uncalibrated_markets() -> pd.DataFrame:
    """The shipped list, ``data/network/uncalibrated.csv`` (see :func:`read_uncalibrated`)."""
    return read_uncalibrated(
        Path(str(resources.files("friendshore") / "data" / "network" / "uncalibrated.csv")))


def calibration(store: Store, net: SupplyNetwork, values: Assumptions) -> pd.DataFrame:
    """:func:`.checks.calibration_table` of ``net`` against the store's USGS Fig2 figures."""
    return calibration_table(net, us_net_import_reliance(store), us_consumption_map(),
                             uncalibrated_markets(),
                             float(values["stress_calibration_tolerance_pp"]))


def stockpile_months(
    values: Assumptions, commodity: str, countries: Sequence[str], stage: str | None = None
) -> np.ndarray:
    """Stockpile held per country (months of demand) for one commodity, from the assumptions.

    The general stocks (``stress_stockpile_months*``) sit only at the stages their holders
    keep (``stress_stockpile_stages``: JOGMEC holds raw materials and metals, not parts), so
    with ``stage`` outside that list they are 0; a commodity's own
    ``<commodity>_stockpile_months_by_country`` (LNG) applies at every stage it has.
    """
    settings = stockpile_settings(values, commodity, stage)
    if settings is None:
        return np.zeros(len(countries))
    by, default = settings
    return np.array([float(by.get(c, default)) for c in countries])


def stockpile_settings(
    values: Assumptions, commodity: str, stage: str | None = None
) -> tuple[dict[str, float], float] | None:
    """The months by country and the default that :func:`stockpile_months` applies at
    (commodity, stage); None where no stock sits at that stage."""
    own = f"{commodity}_stockpile_months_by_country"
    if own in all_assumptions():
        return values[own] or {}, 0.0
    if stage is not None and stage not in (values["stress_stockpile_stages"] or ()):
        return None
    return (values["stress_stockpile_months_by_country"] or {},
            float(values["stress_stockpile_months"]))


def _pick_source(rows: pd.DataFrame, prefer: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of one source and year: preferred sources first, then latest year, most rows."""
    if rows.empty:
        return rows
    stats = (rows[~rows["is_aggregate"]] if "is_aggregate" in rows else rows).groupby(
        ["source", "year"]).size().rename("n").reset_index()
    if stats.empty:
        stats = rows.groupby(["source", "year"]).size().rename("n").reset_index()
    stats["rank"] = [next((k for k, p in enumerate(prefer) if s.startswith(p)), len(prefer))
                     for s in stats["source"]]
    best = stats.sort_values(["rank", "year", "n"], ascending=[True, False, False]).iloc[0]
    return rows[(rows["source"] == best["source"]) & (rows["year"] == best["year"])]


def _by_country(rows: pd.DataFrame) -> dict[str, float]:
    """Country -> value, keeping OTH and filling it from the world total when missing."""
    keep = rows[~rows["is_aggregate"] | (rows["country"] == "OTH")]
    out = keep.groupby("country")["value"].sum().to_dict()
    world = rows.loc[rows["country"] == "WLD", "value"]
    if "OTH" not in out and len(world):
        rest = float(world.iloc[0]) - sum(out.values())
        if rest > 1e-9 * max(1.0, float(world.iloc[0])):
            out["OTH"] = rest
    return {k: float(v) for k, v in out.items() if v > 0}


def _scaled_flows(prod: np.ndarray, trade: np.ndarray) -> np.ndarray:
    """Source destination shares, exports capped at production, the rest own use."""
    trade = trade.copy()
    np.fill_diagonal(trade, 0.0)
    trade[prod <= 0] = 0.0  # re-exports of non-producers are dropped
    exports = trade.sum(axis=1)
    scale = np.divide(prod, exports, out=np.ones_like(prod), where=exports > prod)
    flows = trade * np.minimum(scale, 1.0)[:, None]
    flows[np.diag_indices_from(flows)] = np.maximum(prod - flows.sum(axis=1), 0.0)
    return flows


def _proportional_flows(prod: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Own output first; deficits sourced from producers in proportion to their surplus."""
    own = np.minimum(prod, demand)
    surplus, deficit = prod - own, demand - own
    flows = np.diag(own)
    if surplus.sum() > 0:
        flows += np.outer(surplus / surplus.sum(), deficit)
    return flows


def _stage_demand(prod: np.ndarray, nxt: np.ndarray, factor: float | None) -> np.ndarray:
    """Demand at this stage from the next stage's output, summing to this stage's output.

    With a conversion ``factor`` each maker needs ``factor x`` its output; world output left
    over is used by its producers (other end uses), and a shortfall scales everyone down.
    Without one, the next stage's pattern is rescaled to this stage's world output.
    """
    world = prod.sum()
    if factor is None:
        return nxt / nxt.sum() * world
    need = factor * nxt
    if need.sum() >= world:
        return need * (world / need.sum())
    return need + (world - need.sum()) * prod / world


def _water_fill(weights: np.ndarray, total: float, caps: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``weights``, no entry above its cap."""
    out = np.zeros_like(weights)
    free = (weights > 0) & (caps > 0)
    left = min(total, float(caps[free].sum()))
    while left > 1e-12 * max(total, 1.0) and free.any():
        share = left * weights / weights[free].sum() * free
        over = free & (out + share >= caps)
        if not over.any():
            return out + share
        left -= float((caps[over] - out[over]).sum())
        out[over] = caps[over]
        free &= ~over
    return out


def _calibrate_importer(
    flows: np.ndarray, j: int, target: float, weights: np.ndarray, *, own_first: bool
) -> np.ndarray:
    """Flows with country ``j``'s demand set to ``target`` and every production unchanged.

    ``j`` uses at home its current own use (observed trade: its exports stay) or, with
    ``own_first`` (estimated flows), its whole output, at most ``target``; the rest of its
    output follows its export pattern (else goes to the others in proportion to their
    demand). Imports ``target - own`` come from the other producers in proportion to
    ``weights`` (capped at their output), whose other deliveries shrink to make room.
    """
    f = flows.copy()
    prod = f.sum(axis=1)
    own = min(prod[j] if own_first else f[j, j], target)
    row = f[j].copy()
    row[j] = 0.0
    if row.sum() <= 0:
        row = f.sum(axis=0)
        row[j] = 0.0
    f[j] = row * ((prod[j] - own) / row.sum()) if row.sum() > 0 else 0.0
    f[j, j] = own if row.sum() > 0 else prod[j]
    caps = prod.copy()
    caps[j] = 0.0
    col = _water_fill(np.where(caps > 0, weights, 0.0), target - f[j, j], caps)
    for i in np.flatnonzero(caps > 0):
        rest, keep = prod[i] - f[i, j], prod[i] - col[i]
        if rest > 0:
            f[i] *= keep / rest
        else:
            f[i, i] += keep
        f[i, j] = col[i]
    return f


def _salient(sal: pd.DataFrame, commodity: str, variables: list[str], unit: str,
             year: int) -> tuple[float, int] | None:
    """Sum of the USGS salient ``variables`` in ``unit`` in the year nearest ``year`` where
    every one has a value (None when some year lacks one or a unit differs)."""
    rows = sal[(sal["commodity"] == commodity) & sal["variable"].isin(variables)]
    if rows.empty or (rows["unit"] != unit).any():
        return None
    full = rows.groupby("year").filter(lambda g: set(g["variable"]) == set(variables))
    if full.empty:
        return None
    best = int(full.assign(gap=(full["year"] - year).abs()).sort_values(
        ["gap", "year"], ascending=[True, False])["year"].iloc[0])
    return float(full.loc[full["year"] == best, "value"].sum()), best


def _named_production(
    values: Assumptions, market: tuple[str, str], production: dict[str, float]
) -> tuple[dict[str, float], str]:
    """Production with the countries of the market's ``_PRODUCTION_POINTS`` assumption set
    to their published tonnage; returns it and a note naming them ('' if none)."""
    name = _PRODUCTION_POINTS.get(market)
    points = {validate_iso3(c, where=name): float(v) for c, v in
              ((values[name] or {}) if name else {}).items()}
    if not points:
        return production, ""
    return {**production, **points}, f"{', '.join(sorted(points))} from {name}"


def _calibrate_columns(
    flows: np.ndarray, columns: dict[int, tuple[float, float, np.ndarray]]
) -> np.ndarray:
    """Flows with several importers' supplies set at once, every production unchanged.

    ``columns`` maps importer j -> (demand D_j, own use u_j, weights w_j): j keeps u_j of
    its own output and imports D_j − u_j split over the other producers in proportion to
    w_j, each capped at what it has left after the importers before j (:func:`_water_fill`).
    Every producer's other deliveries then shrink or grow in proportion so that its output
    is unchanged: F_ik ← F_ik (P_i − Σ_j F'_ij) / Σ_{k∉J} F_ik for k outside the importers J
    (own use absorbs it where it delivers nothing else).
    """
    f = flows.copy()
    prod = f.sum(axis=1)
    left = prod.copy()
    fixed = np.zeros_like(f)
    for j, (demand, own, weights) in columns.items():
        own = min(own, left[j], demand)
        caps = left.copy()
        caps[j] = 0.0
        col = _water_fill(np.where(caps > 0, weights, 0.0), demand - own, caps)
        col[j] = own
        fixed[:, j] = col
        left -= col
    cols = list(columns)
    rest = np.ones(f.shape[1], dtype=bool)
    rest[cols] = False
    for i in range(len(prod)):
        others = f[i, rest].sum()
        keep = prod[i] - fixed[i, cols].sum()
        if others > 0:
            f[i, rest] *= keep / others
        elif rest[i]:
            f[i, i] = keep
        else:  # only importers' columns: the rest of its output stays in its own column
            fixed[i, i] += keep
        f[i, cols] = fixed[i, cols]
    return f


def _import_sources(
    values: Assumptions, markets: list[tuple[str, str]], flows: np.ndarray,
    countries: list[str], methods: list[str],
) -> None:
    """Split named importers' supplies by their published origins, in place.

    Magnets (``rare_earths``/``component``): Japan's and the US's imports follow the mean
    BACI 2018–2024 origin value shares (``rare_earths_magnet_import_source_years``); each
    keeps its own use. Separated rare earths (``rare_earths``/``refine``): China supplies the
    share ``rare_earths_refine_china_import_share`` of each named importer's imports, the
    other producers the rest in proportion to what they supplied it before. Importers keep
    their demand and producers their output (:func:`_calibrate_columns`).
    """
    cidx = {c: i for i, c in enumerate(countries)}
    if _MAGNET_MARKET in markets:
        k = markets.index(_MAGNET_MARKET)
        first, last = (int(y) for y in values["rare_earths_magnet_import_source_years"])
        shares = magnet_import_shares(first, last)
        columns = {}
        for code in _MAGNET_IMPORTERS:
            rows = shares[(shares["importer"] == code) & shares["exporter"].isin(cidx)]
            if code not in cidx or rows.empty:
                continue
            w = np.zeros(len(countries))
            w[rows["exporter"].map(cidx).to_numpy()] = rows["share"].to_numpy()
            j = cidx[code]
            columns[j] = (float(flows[k][:, j].sum()), float(flows[k][j, j]), w)
        flows[k] = _calibrate_columns(flows[k], columns)
        methods[k] += (f"; JPN and USA imports split by BACI {first}-{last} origin value "
                       "shares")
    for market, name in _CHINA_SHARE.items():
        if market not in markets or "CHN" not in cidx:
            continue
        k, cn = markets.index(market), cidx["CHN"]
        columns = {}
        for code, share in (values[name] or {}).items():
            if code not in cidx or code == "CHN":
                continue
            j = cidx[code]
            others = flows[k][:, j].copy()
            others[[j, cn]] = 0.0
            if others.sum() <= 0:
                others = flows[k].sum(axis=1)
                others[[j, cn]] = 0.0
            w = (1.0 - float(share)) * others / max(others.sum(), 1e-300)
            w[cn] = float(share)
            columns[j] = (float(flows[k][:, j].sum()), float(flows[k][j, j]), w)
        flows[k] = _calibrate_columns(flows[k], columns)
        methods[k] += f"; China's share of named importers' imports from {name}"


def _element_supply(sup: pd.DataFrame, values: Assumptions) -> pd.DataFrame:
    """``sup`` with the element rows re-derived under the ore assumptions in force (the store
    holds them for the shipped defaults; see :mod:`friendshore.readers.ree_elements`)."""
    if not any(k.startswith("rare_earths_ore") for k in values.overrides):
        return sup
    base = sup[sup["source"] != ree_elements.SOURCE].assign(scenario=None)
    rows = ree_elements.element_rows(base, ree_elements.read(ree_elements.shipped()[0]),
                                     values).assign(source=ree_elements.SOURCE)
    return pd.concat([base.drop(columns="scenario"), rows[sup.columns]], ignore_index=True)


def _element_flows(markets: list[tuple[str, str]], flows: np.ndarray,
                   methods: list[str]) -> None:
    """Element markets' flows, in place: each producer ships its element output where it
    ships its rare earths at the same stage (no element trade data): F^e_ij = P^e_i ·
    F_ij / P_i, own use where the producer has no rare-earth flows."""
    for k, (commodity, stage) in enumerate(markets):
        if commodity not in ree_elements.ELEMENTS or ("rare_earths", stage) not in markets:
            continue
        ref = flows[markets.index(("rare_earths", stage))]
        p_ref, p_e = ref.sum(axis=1), flows[k].sum(axis=1)
        pattern = np.divide(ref, p_ref[:, None], out=np.zeros_like(ref), where=p_ref[:, None] > 0)
        none = p_ref <= 0
        pattern[none, :] = 0.0
        pattern[np.flatnonzero(none), np.flatnonzero(none)] = 1.0
        flows[k] = p_e[:, None] * pattern
        methods[k] = f"destination shares of rare_earths/{stage} (no element trade data)"


def _us_targets(store: Store, info: dict[tuple[str, str], dict[str, Any]]) -> dict[
        tuple[str, str], tuple[float | None, float | None, str]]:
    """US (demand, production, label) per calibrated market from the USGS salient data, the
    year nearest the market's year, from the release whose NIR year is nearest the market's
    year (ties: the newest) among those whose named variables all have values (else the first
    with any); None where the map leaves one to the network."""
    sal = us_salient_values(store)
    by_source = {src: grp for src, grp in sal.groupby("source")}
    out: dict[tuple[str, str], tuple[float | None, float | None, str]] = {}
    for (c, st), rows in us_consumption_map().groupby(["commodity", "stage"], sort=False):
        m = (c, st)
        if m not in info:
            continue
        # the release whose NIR year (edition year - 1) is nearest the market's year first,
        # so that the target and the published NIR it is checked on come from one release
        gap = (rows["edition"].str[3:].astype(int) - 1 - int(info[m]["year"])).abs()
        order = rows.assign(gap=gap).sort_values(["gap", "edition"], ascending=[True, False])
        found = [hit for row in order.itertuples()
                 if (hit := _edition_target(row, by_source, info[m])) is not None]
        complete = [f for f in found if f[3]]
        if complete or found:
            out[m] = (complete or found)[0][:3]
    return out


def _edition_target(row: Any, by_source: dict[str, pd.DataFrame], info: dict[str, Any]
                    ) -> tuple[float | None, float | None, str, bool] | None:
    """(demand, production, label, complete) of one ``us_consumption.csv`` row from its
    edition's salient rows; None when its edition is not loaded or nothing it names has a
    value. ``complete``: every variable the row names has one."""
    source = usgs_mcs.source_of(row.edition)
    if source not in by_source:
        return None
    unit, year = info["unit"], info["year"]
    got, labels, named = [], [], []
    for what, cell in (("consumption", row.variable), ("production", row.production)):
        names = [v.strip() for v in cell.split("|") if v.strip()]
        hit = _salient(by_source[source], row.commodity, names, unit, year) if names else None
        got.append(None if hit is None else hit[0])
        named.append(bool(names))
        if hit is not None:
            labels.append(f"{what} {'+'.join(names)} {hit[1]} = {hit[0]:g} {unit}")
    if not any(v is not None for v in got):
        return None
    complete = all(g is not None for g, n in zip(got, named, strict=True) if n)
    return got[0], got[1], f"USGS {row.edition} " + "; ".join(labels), complete


def _lumped_scale(
    t: pd.DataFrame, production: dict[str, float], target: tuple | None, default: float,
) -> tuple[float, str]:
    """Share of a lumped code's tonnage taken as the commodity's: US anchor, else default."""
    if target is not None and target[0] is not None and production:
        to_us = t[(t["importer"] == "USA") & t["exporter"].isin(production)
                  & (t["exporter"] != "USA")]["quantity"].sum()
        us = target[1] if target[1] is not None else production.get("USA", 0.0)
        need = target[0] - us
        if to_us > 0 and need > 0:
            k = min(1.0, need / to_us)
            return k, f"{k:.3g} (US imports per USGS / US imports of the code from producers)"
    return default, f"{default:g} (stress_lumped_trade_share)"


def _build(store: Store, values: Assumptions) -> SupplyNetwork:
    sup = _element_supply(observed_supply(store), values)
    sup = pd.concat([sup, *(sup[(sup["commodity"] == src[0]) & (sup["stage"] == src[1])]
                             .assign(commodity=dst[0], stage=dst[1])
                             for dst, src in derived_series().items())], ignore_index=True)
    trade = trade_quantities(store)
    prod_rows = sup[sup["measure"] == "production"]
    markets = sorted(
        set(map(tuple, prod_rows[["commodity", "stage"]].drop_duplicates().to_numpy()))
        | set(map(tuple, trade[["commodity", "stage"]].drop_duplicates().to_numpy())),
        key=lambda m: (m[0], STAGES.index(m[1]) if m[1] in STAGES else 9),
    )
    by_market = {k: g for k, g in prod_rows.groupby(["commodity", "stage"])}
    trade_by_market = {k: g for k, g in trade.groupby(["commodity", "stage"])}
    info: dict[tuple[str, str], dict[str, Any]] = {}
    for market in markets:
        p = _pick_source(by_market.get(market, prod_rows.iloc[:0]), ("usgs", "iea"))
        unit = p["unit"].mode().iloc[0] if len(p) else None
        t = trade_by_market.get(market, trade.iloc[:0])
        if unit is not None:
            t = t[t["unit"] == unit]
        year = int(p["year"].iloc[0]) if len(p) else None
        if len(t) and year is not None:
            t = t.assign(is_aggregate=False, gap=(t["year"] - year).abs())
            t = t[t["gap"] == t["gap"].min()]
        t = _pick_source(t.assign(is_aggregate=False), ("baci-hs17-2024", "baci", "ei", "comtrade"))
        production = _by_country(p) if len(p) else {}
        from_exports = not production and len(t) > 0
        if from_exports:
            production = t.groupby("exporter")["quantity"].sum().to_dict()
        if not production:
            continue
        production, named = _named_production(values, market, production)
        info[market] = {"production": production, "trade": t, "unit": unit or t["unit"].iloc[0],
                        "year": year or int(t["year"].iloc[0]), "from_exports": from_exports,
                        "lumped": len(t) > 0 and set(t["hs6"]) <= lumped_codes(),
                        "prod_source": (
                            p["source"].iloc[0] if len(p) and not from_exports
                            else "exports (estimate)") + (f"; {named}" if named else "")}
    targets = _us_targets(store, info)
    for m, d in info.items():
        if not d["lumped"]:
            continue
        k, how = _lumped_scale(d["trade"], {} if d["from_exports"] else d["production"],
                               targets.get(m), float(values["stress_lumped_trade_share"]))
        d["trade"] = d["trade"].assign(quantity=d["trade"]["quantity"] * k)
        if d["from_exports"]:
            d["production"] = {c: v * k for c, v in d["production"].items()}
        d["lumped"] = (f"HS {' '.join(sorted(set(d['trade']['hs6'])))} is shared with other "
                       f"commodities: its quantities x {how} (estimate)")
    for m, (_, us_prod, _) in targets.items():  # USGS's US production, in its NIR basis
        if us_prod is not None:
            info[m]["production"] = {**info[m]["production"], "USA": us_prod}
    markets = list(info)
    countries = sorted({c for m in markets for c in info[m]["production"]}
                       | {c for m in markets for c in info[m]["trade"].get("exporter", [])}
                       | {c for m in markets for c in info[m]["trade"].get("importer", [])})
    cidx = {c: i for i, c in enumerate(countries)}
    n, mcount = len(countries), len(markets)
    production = np.zeros((mcount, n))
    for k, m in enumerate(markets):
        for c, v in info[m]["production"].items():
            production[k, cidx[c]] = v
    flows = np.zeros((mcount, n, n))
    methods: list[str] = []
    sources = {r.commodity: tuple(r.import_sources) for r in us_import_sources(store).itertuples()}
    midx = {m: k for k, m in enumerate(markets)}
    for k, m in enumerate(markets):
        t = info[m]["trade"]
        if len(t):
            q = np.zeros((n, n))
            np.add.at(q, (t["exporter"].map(cidx).to_numpy(), t["importer"].map(cidx).to_numpy()),
                      t["quantity"].to_numpy())
            flows[k] = _scaled_flows(production[k], q)
            methods.append(f"trade quantities ({t['source'].iloc[0]} {int(t['year'].iloc[0])}), "
                           "scaled to production"
                           + (f"; {info[m]['lumped']}" if info[m]["lumped"] else ""))
        else:
            stages = [s for s in STAGES if (m[0], s) in midx]
            pos = stages.index(m[1])
            nxt = midx[(m[0], stages[pos + 1])] if pos + 1 < len(stages) else None
            if nxt is not None and production[nxt].sum() > 0:
                name = _CONVERSION.get(m)
                factor = float(values[name]) if name else None
                flows[k] = _proportional_flows(
                    production[k], _stage_demand(production[k], production[nxt], factor))
                methods.append(f"proportional sourcing (demand = {stages[pos + 1]} production"
                               + (f" x {name} = {factor:g})" if name else ")"))
            else:
                flows[k] = np.diag(production[k])
                methods.append("own use only (no trade or downstream data)")
        if m in targets:
            if targets[m][0] is not None and "USA" in cidx:
                us = cidx["USA"]
                imports = flows[k][:, us].copy()
                imports[us] = 0.0
                if imports.sum() <= 0:
                    fig2 = set(sources.get(m[0], ()))
                    imports = production[k] * np.array([c in fig2 for c in countries])
                if imports.sum() <= 0:
                    imports = production[k].copy()
                flows[k] = _calibrate_importer(flows[k], us, targets[m][0], imports,
                                               own_first=not len(t))
            methods[-1] += "; US calibrated to " + targets[m][2]
    _import_sources(values, markets, flows, countries, methods)
    _element_flows(markets, flows, methods)
    capacity = production * (1.0 + float(values["stress_spare_capacity"]))
    reserves = np.full((mcount, n), np.nan)
    for measure, target in (("capacity", capacity), ("reserves", reserves)):
        groups = {k: g for k, g in sup[sup["measure"] == measure].groupby(["commodity", "stage"])}
        for k, m in enumerate(markets):
            r = groups.get(m, sup.iloc[:0])
            r = r[r["unit"] == info[m]["unit"]]
            for c, v in (_by_country(_pick_source(r)) if len(r) else {}).items():
                target[k, cidx[c]] = max(v, production[k, cidx[c]]) if measure == "capacity" else v
    stock = (np.stack([stockpile_months(values, c, countries, st) for c, st in markets])
             if markets else np.zeros((0, n)))
    net = SupplyNetwork(
        countries=tuple(countries), markets=tuple(markets),
        units=tuple(info[m]["unit"] for m in markets), production=production,
        capacity=capacity, reserves=reserves, flows=flows, demand=flows.sum(axis=1),
        stockpile_months=stock, years=tuple(info[m]["year"] for m in markets),
        methods=tuple(methods),
        notes={
            **{f"{c}/{s}": f"production: {info[(c, s)]['prod_source']}; flows: {meth}"
               for (c, s), meth in zip(markets, methods, strict=True)},
            "us_calibration": "US calibrated in: " + ", ".join(
                f"{c}/{s} ({label})" for (c, s), (_, _, label) in targets.items()),
            "lumped_codes": "HS codes shared by several commodities (scaled, not taken as "
                            "own exports): " + ", ".join(sorted(lumped_codes())),
        },
    )
    check_network(net)
    return net


def build_network(store: Store, values: Assumptions | None = None, *,
                  calibrated: bool = True) -> SupplyNetwork:
    """The network for ``store`` (built once per store state and network assumptions).

    With ``calibrated`` (the default) a network whose US net import reliance fails
    :func:`.checks.check_calibration` raises; ``calibrated=False`` returns it anyway (for the
    ``calibration`` report, which shows where it fails)."""
    values = values or Assumptions()
    key = (str(store.path), network_signature(store),
           *(repr(values[name]) for name in _NETWORK_ASSUMPTIONS))
    with _lock:
        if key not in _cache:
            with unrecorded():  # the key above records what the network depends on
                net = _build(store, values)
                try:
                    check_calibration(calibration(store, net, values),
                                      float(values["stress_calibration_tolerance_pp"]))
                    error = None
                except FriendshoreError as exc:
                    error = str(exc)
            _cache[key] = (net, error)
        net, error = _cache[key]
    if calibrated and error:
        raise FriendshoreError(error)
    return net
