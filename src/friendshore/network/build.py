"""Build the SupplyNetwork from the store, once per process and store state (cached).

Per (commodity, stage) market (see docs/stress.md, "Network"):

- **production**: the latest observed year of the source with most country rows (USGS MCS
  before IEA when the years tie); aggregate rows are dropped except ``OTH``, which stays as a
  producer (``OTH`` = world minus listed countries when only a world total is given); withheld
  values count as 0. A market with trade data but no production data takes each exporter's
  exports as its production (estimate; e.g. magnets, HS 850511).
- **flows**: where trade quantities exist (BACI first, then other sources; the year closest
  to the production year), each producer's exports keep the source's destination shares
  but are scaled down to at most its production; the rest of its production is its own use.
  Exports by non-producers (re-exports) are dropped. Otherwise a *proportional-sourcing
  estimate*: demand is the next stage's production (rescaled to this stage's world total),
  each country first uses its own output, and importers source their deficit from producers
  in proportion to their exportable surplus. A market with neither keeps all output at home.
- **capacity**: from the store where known (never below production), else production ×
  (1 + ``stress_spare_capacity``).
- **demand**: apparent consumption, the column sums of flows.
- **stockpile_months**: the ``stress_stockpile_months*`` assumptions (or the commodity's own
  ``<commodity>_stockpile_months_by_country`` assumption where one exists, e.g. LNG).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..assumptions import Assumptions, all_assumptions
from ..scenarios.spec import STAGES
from ..store import Store
from ..store.queries_stress import network_signature, observed_supply, trade_quantities
from .checks import check_network
from .supply import SupplyNetwork

__all__ = ["build_network", "stockpile_months"]

_cache: dict[tuple[str, str, str], SupplyNetwork] = {}
_lock = threading.Lock()


def stockpile_months(values: Assumptions, commodity: str, countries: Sequence[str]) -> np.ndarray:
    """Stockpile held per country (months of demand) for one commodity, from the assumptions."""
    own = f"{commodity}_stockpile_months_by_country"
    if own in all_assumptions():
        by, default = values[own] or {}, 0.0
    else:
        by = values["stress_stockpile_months_by_country"] or {}
        default = float(values["stress_stockpile_months"])
    return np.array([float(by.get(c, default)) for c in countries])


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


def _build(store: Store, values: Assumptions) -> SupplyNetwork:
    sup = observed_supply(store)
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
        if not production and len(t):
            production = t.groupby("exporter")["quantity"].sum().to_dict()
        if not production:
            continue
        info[market] = {"production": production, "trade": t, "unit": unit or t["unit"].iloc[0],
                        "year": year or int(t["year"].iloc[0]), "prod_source": (
                            p["source"].iloc[0] if len(p) else "exports (estimate)")}
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
    midx = {m: k for k, m in enumerate(markets)}
    for k, m in enumerate(markets):
        t = info[m]["trade"]
        if len(t):
            q = np.zeros((n, n))
            np.add.at(q, (t["exporter"].map(cidx).to_numpy(), t["importer"].map(cidx).to_numpy()),
                      t["quantity"].to_numpy())
            flows[k] = _scaled_flows(production[k], q)
            methods.append(f"trade quantities ({t['source'].iloc[0]} {int(t['year'].iloc[0])}), "
                           "scaled to production")
            continue
        stages = [s for s in STAGES if (m[0], s) in midx]
        pos = stages.index(m[1])
        nxt = midx[(m[0], stages[pos + 1])] if pos + 1 < len(stages) else None
        if nxt is not None and production[nxt].sum() > 0:
            demand = production[nxt] / production[nxt].sum() * production[k].sum()
            flows[k] = _proportional_flows(production[k], demand)
            methods.append(f"proportional sourcing (demand = {stages[pos + 1]} production)")
        else:
            flows[k] = np.diag(production[k])
            methods.append("own use only (no trade or downstream data)")
    capacity = production * (1.0 + float(values["stress_spare_capacity"]))
    reserves = np.full((mcount, n), np.nan)
    for measure, target in (("capacity", capacity), ("reserves", reserves)):
        groups = {k: g for k, g in sup[sup["measure"] == measure].groupby(["commodity", "stage"])}
        for k, m in enumerate(markets):
            r = groups.get(m, sup.iloc[:0])
            r = r[r["unit"] == info[m]["unit"]]
            for c, v in (_by_country(_pick_source(r)) if len(r) else {}).items():
                target[k, cidx[c]] = max(v, production[k, cidx[c]]) if measure == "capacity" else v
    stock = np.stack([stockpile_months(values, m[0], countries) for m in markets]) if markets \
        else np.zeros((0, n))
    net = SupplyNetwork(
        countries=tuple(countries), markets=tuple(markets),
        units=tuple(info[m]["unit"] for m in markets), production=production,
        capacity=capacity, reserves=reserves, flows=flows, demand=flows.sum(axis=1),
        stockpile_months=stock, years=tuple(info[m]["year"] for m in markets),
        methods=tuple(methods),
        notes={f"{c}/{s}": f"production: {info[(c, s)]['prod_source']}; flows: {meth}"
               for (c, s), meth in zip(markets, methods, strict=True)},
    )
    check_network(net)
    return net


def build_network(store: Store, values: Assumptions | None = None) -> SupplyNetwork:
    """The network for ``store`` (built once per store state and spare-capacity value)."""
    values = values or Assumptions()
    key = (str(store.path), network_signature(store), repr(values["stress_spare_capacity"]))
    with _lock:
        if key not in _cache:
            _cache[key] = _build(store, values)
        return _cache[key]
