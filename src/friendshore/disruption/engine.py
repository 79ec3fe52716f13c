"""Run a scenario on a SupplyNetwork: all draws at once, chunked, returning a StressResult.

A run (see docs/stress.md):

1. checks names against the network and draws every uncertain number up front (seeded);
2. splits each draw's horizon into *regimes*, the sets of shocks and new capacity active in
   a month; each distinct regime is computed once, vectorised over the draws that meet it:
   withhold → reroute spare capacity → clear the market → pass the shortfall one stage down
   (markets run upstream first; a producer short of its input loses that share of output);
3. draws stockpiles down month by month against the monthly shortfall, keeping each
   country of interest's months of cover at the end of every month (the fan chart);
4. aggregates the months: shortfall summed over the horizon (its share of horizon demand is
   the demand-weighted mean of the monthly shares), and the monthly clearing price both as
   its peak and as its mean over the horizon's months (what the GDP cost is priced on).

There is no Python loop over draws; draws are processed in chunks sized to a memory budget,
so 100,000 draws fit in 2 GB. Results do not depend on the chunk size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..assumptions import Assumptions
from ..conventions.countries import group_members
from ..errors import ScenarioError, UnknownNameError
from ..network.build import stockpile_months
from ..network.checks import check_outcome
from ..network.supply import SupplyNetwork
from ..scenario.sampling import sample_scenario
from ..scenario.spec import (
    STAGES,
    AlliedSharing,
    DemandSurge,
    ExportRestriction,
    NewCapacity,
    ProductionOutage,
    Scenario,
    StockpileRelease,
    resolve_targets,
    validate_names,
)
from .backend import get_backend, to_numpy
from .steps import Allocator, fill, market_step

__all__ = ["StressResult", "demand_weights", "run_scenario"]

#: Memory budget for one chunk of draws (bytes); leaves headroom under 2 GB.
CHUNK_BYTES = 600 * 2**20
#: At most this many draws per numpy chunk, so progress callbacks come often enough.
MAX_CHUNK = 20_000


def demand_weights(base_demand: np.ndarray, reported: Sequence[int]) -> np.ndarray:
    """(reported markets, countries) weights that sum each country's per-market figures
    into one: its share of base demand per market, equal shares where it has no demand."""
    d0 = np.asarray(base_demand)[list(reported)]
    total = d0.sum(axis=0)
    return np.where(total > 0, d0 / np.where(total > 0, total, 1.0), 1.0 / len(reported))


@dataclass
class StressResult:
    """Per-draw outcomes of one scenario for each country of interest and involved market.

    Arrays are numpy, shaped (draws, markets, countries) unless noted:
    ``shortfall_t`` (demand not met over the horizon, after stockpile release, in the
    market's unit), ``shortfall_share`` (0..1 of that country's demand over the horizon, i.e.
    the demand-weighted mean of the monthly shortfall shares), ``price_multiplier`` (draws,
    markets; peak monthly price / pre-disruption price), ``price_multiplier_avg`` (draws,
    markets; mean over the horizon's months of the monthly price / pre-disruption price, 1 in
    months without a shock), ``stockpile_months`` (stockpile left at the end of the horizon,
    months of demand) and
    ``cover_path`` (draws, horizon months, countries; float32: months of demand left in
    stock at the end of each month, weighted over the reported markets as
    :meth:`country_arrays` weights them; read it with :meth:`cover_paths`).
    """

    scenario: Scenario
    draws: int
    seed: int
    countries: tuple[str, ...]
    markets: tuple[tuple[str, str], ...]
    units: tuple[str, ...]
    reported: tuple[int, ...]
    base_demand: np.ndarray  # (markets, countries) annual demand before the shocks
    shortfall_t: np.ndarray
    shortfall_share: np.ndarray
    price_multiplier: np.ndarray
    price_multiplier_avg: np.ndarray
    stockpile_months: np.ndarray
    cover_path: np.ndarray
    assumptions: dict[str, Any] = field(default_factory=dict)

    def market_index(self, commodity: str, stage: str | None = None) -> int:
        """Position of a market in this result (the reported stage when ``stage`` is None)."""
        hits = [i for i, (c, s) in enumerate(self.markets) if c == commodity
                and (stage is None or s == stage)]
        if not hits:
            raise UnknownNameError("market", f"{commodity}/{stage}",
                                   [f"{c}/{s}" for c, s in self.markets])
        reported = [i for i in hits if i in self.reported]
        return (reported or hits)[0]

    def market_arrays(
        self, country: str, commodity: str, stage: str | None = None
    ) -> dict[str, np.ndarray]:
        """Per-draw horizon ``shortfall_share`` (0..1), peak ``price_multiplier`` and
        horizon-average ``price_multiplier_avg`` for one country and commodity; the ripple
        layer prices the GDP cost on the share and the average."""
        m, c = self.market_index(commodity, stage), self.countries.index(country)
        return {
            "shortfall_share": self.shortfall_share[:, m, c],
            "price_multiplier": self.price_multiplier[:, m],
            "price_multiplier_avg": self.price_multiplier_avg[:, m],
        }

    def country_arrays(self, country: str) -> dict[str, np.ndarray]:
        """Per-draw totals over the reported markets for one country.

        Tons add up; the shortfall share is total shortfall over total demand; the price
        multipliers (peak and horizon average) and stockpile months are weighted by the
        country's base demand (a plain mean where it has none).
        """
        c = self.countries.index(country)
        rep = list(self.reported)
        horizon = self.scenario.horizon_months / 12.0
        short = self.shortfall_t[:, rep, c]
        total = float(self.base_demand[rep, c].sum()) * horizon
        w = demand_weights(self.base_demand, rep)[:, c]
        return {
            "shortfall_t": short.sum(axis=1),
            "shortfall_share": short.sum(axis=1) / total if total > 0 else short.sum(axis=1) * 0,
            "price_multiplier": self.price_multiplier[:, rep] @ w,
            "price_multiplier_avg": self.price_multiplier_avg[:, rep] @ w,
            "stockpile_months": self.stockpile_months[:, rep, c] @ w,
        }

    def cover_paths(self, country: str) -> np.ndarray:
        """(draws, horizon months) float32: months of demand left in stock at the end of each
        month, over the reported markets; the last month is ``country_arrays``'s
        ``stockpile_months``."""
        return self.cover_path[:, :, self.countries.index(country)]


@dataclass
class _Timed:
    """One shock or new-capacity response with its market and country positions."""

    kind: str
    market: int  # position in the plan's market list
    country: int | None  # position on the sub country axis (exporter, producer, builder)
    mask: np.ndarray | None  # (N,) targets / surging countries
    value: np.ndarray  # (draws,) cut, share, increase or capacity
    start: np.ndarray  # (draws,) first month
    months: np.ndarray | None  # (draws,) length, None = until the horizon ends


@dataclass
class _Plan:
    """Everything a run needs, cut down to the involved markets and countries."""

    markets: list[int]
    upstream: dict[int, int]
    reported: list[int]
    countries: np.ndarray  # network indices of the sub country axis
    coi: list[int]  # positions of the countries of interest on the sub axis
    flows: np.ndarray  # (M, N, N)
    capacity: np.ndarray  # (M, N)
    eps: list[tuple[float, float]]
    allies: np.ndarray | None
    timed: list[_Timed]
    stock0: np.ndarray  # (draws or 1, M, C) stock in months of demand
    release_share: np.ndarray  # (draws or 1, M, C)
    release_start: np.ndarray  # (draws or 1, M, C)
    utilisation: float
    pmax: float


def _mask(sub_codes: Sequence[str], members: tuple[str, ...] | None) -> np.ndarray:
    return np.array([members is None or c in members for c in sub_codes])


def _elasticity(values: Assumptions, kind: str, commodity: str) -> float:
    by = values[f"stress_{kind}_elasticity_by_commodity"] or {}
    return float(by.get(commodity, values[f"stress_{kind}_elasticity"]))


def _plan(
    scenario: Scenario, net: SupplyNetwork, values: Assumptions, draws: int, seed: int
) -> _Plan:
    """Resolve names to positions, pick the involved markets and countries, draw samples."""
    samples = sample_scenario(scenario, draws, seed)
    events = [(i, ev) for i, ev in enumerate(scenario.shocks)]
    caps = [(i, ev) for i, ev in enumerate(scenario.responses) if isinstance(ev, NewCapacity)]
    named = [net.market(ev.commodity, ev.stage) for _, ev in events + caps]
    involved = sorted({m for n in named for m in net.chain(n)},
                      key=lambda m: (STAGES.index(net.markets[m][1]), m))
    pos = {m: k for k, m in enumerate(involved)}
    upstream = {pos[d]: pos[m] for m in involved if (d := net.downstream(m)) in pos}
    shock_markets = [net.market(ev.commodity, ev.stage) for _, ev in events]
    # each shock is reported where its chain ends: the form in which countries consume it
    reported = (list(dict.fromkeys(pos[net.chain(m)[-1]] for m in shock_markets))
                or list(range(len(involved))))

    coi_codes = list(scenario.countries)
    extra = {ev.country for _, ev in caps} | set(coi_codes)
    active = np.zeros(len(net.countries), dtype=bool)
    for m in involved:
        active |= (net.production[m] > 0) | (net.demand[m] > 0)
    for code in extra:
        if code in net.countries:
            active[net.country(code)] = True
    sub = np.flatnonzero(active)
    sub_codes = [net.countries[i] for i in sub]
    sub_codes_ext = sub_codes + [c for c in coi_codes + sorted(extra) if c not in sub_codes]
    sub_codes_ext = list(dict.fromkeys(sub_codes_ext))
    n_sub = len(sub_codes_ext)
    where = {c: k for k, c in enumerate(sub_codes_ext)}

    flows = np.zeros((len(involved), n_sub, n_sub))
    capacity = np.zeros((len(involved), n_sub))
    base_stock = np.zeros((len(involved), n_sub))
    k = len(sub)
    for j, m in enumerate(involved):
        flows[j, :k, :k] = net.flows[m][np.ix_(sub, sub)]
        capacity[j, :k] = net.capacity[m][sub]
        base_stock[j, :k] = net.stockpile_months[m][sub]
    if any("stockpile_months" in key for key in values.overrides):
        for j, m in enumerate(involved):
            base_stock[j] = stockpile_months(values, net.markets[m][0], sub_codes_ext)
    eps = [(_elasticity(values, "supply", net.markets[m][0]),
            _elasticity(values, "demand", net.markets[m][0])) for m in involved]

    allies = None
    for ev in scenario.responses:
        if isinstance(ev, AlliedSharing):
            allies = _mask(sub_codes_ext, group_members(ev.group))

    timed: list[_Timed] = []
    for i, ev in events:
        s = lambda name, i=i: samples[("shocks", i, name)]  # noqa: E731
        mp = pos[net.market(ev.commodity, ev.stage)]
        if isinstance(ev, ExportRestriction):
            targets = _mask(sub_codes_ext, resolve_targets(ev.targets, where=""))
            targets[where[ev.exporter]] = False
            timed.append(_Timed("restrict", mp, where[ev.exporter], targets, s("cut"),
                                s("start_month"), s("months")))
        elif isinstance(ev, ProductionOutage):
            timed.append(_Timed("outage", mp, where[ev.country], None, s("share"),
                                s("start_month"), s("months")))
        elif isinstance(ev, DemandSurge):
            mask = _mask(sub_codes_ext, resolve_targets(ev.countries, where=""))
            timed.append(_Timed("surge", mp, None, mask, s("increase"),
                                s("start_month"), s("months")))
    for i, ev in caps:
        timed.append(_Timed("capacity", pos[net.market(ev.commodity, ev.stage)],
                            where[ev.country], None, samples[("responses", i, "capacity")],
                            samples[("responses", i, "online_month")], None))

    coi = [where[c] for c in coi_codes]
    shape = (1, len(involved), len(coi))
    stock0 = np.broadcast_to(base_stock[:, coi][None], shape).copy()
    share = np.ones(shape)
    start = np.zeros(shape)
    for i, ev in enumerate(scenario.responses):
        if not isinstance(ev, StockpileRelease):
            continue
        members = resolve_targets(ev.countries, where="")
        cmask = _mask(coi_codes, members)
        mmask = np.array([ev.commodity in (None, net.markets[m][0]) for m in involved])
        sel = mmask[:, None] & cmask[None, :]
        stock0, share, start = (np.broadcast_to(a, (draws, *shape[1:])).copy()
                                for a in (stock0, share, start))
        if ev.stock_months is not None:
            stock0[:, sel] = samples[("responses", i, "stock_months")][:, None]
        share[:, sel] = samples[("responses", i, "share")][:, None]
        start[:, sel] = samples[("responses", i, "start_month")][:, None]
    return _Plan(
        markets=involved, upstream=upstream, reported=reported,
        countries=np.array(sub_codes_ext), coi=coi, flows=flows, capacity=capacity, eps=eps,
        allies=allies, timed=timed, stock0=stock0, release_share=share, release_start=start,
        utilisation=float(values["stress_spare_utilisation"]),
        pmax=float(values["stress_max_price_multiplier"]),
    )


def _regime(
    plan: _Plan, xp: Any, bits: list[int], sel: Any, allocate: Allocator, check: bool,
    dev: dict[str, Any],
) -> tuple[Any, Any, Any]:
    """Annual-rate shortfall and demand (b, M, C) and price (b, M) for draws ``sel`` when
    the timed events ``bits`` are active. Markets run upstream first."""
    b = len(sel)
    n = len(plan.countries)
    m_count = len(plan.markets)
    coi = dev["coi"]
    short = xp.zeros((b, m_count, len(plan.coi)))
    demand = xp.zeros((b, m_count, len(plan.coi)))
    price = xp.ones((b, m_count))
    shares: dict[int, Any] = {}
    for mp in range(m_count):
        events = [(k, plan.timed[k]) for k in bits if plan.timed[k].market == mp]
        outage = xp.zeros((b, n))
        surge = xp.zeros((b, n))
        newcap = xp.zeros((b, n))
        cuts: dict[int, Any] = {}
        for k, ev in events:
            v = dev["value"][k][sel]
            if ev.kind == "outage":
                outage[:, ev.country] = 1.0 - (1.0 - outage[:, ev.country]) * (1.0 - v)
            elif ev.kind == "surge":
                surge += v[:, None] * dev["mask"][k][None, :]
            elif ev.kind == "capacity":
                newcap[:, ev.country] += v
            else:
                cuts[ev.country] = cuts.get(ev.country, 0.0) + v[:, None] * dev["mask"][k][None, :]
        if mp in plan.upstream:
            outage = 1.0 - (1.0 - outage) * (1.0 - shares[plan.upstream[mp]])
        exporters = sorted(cuts)
        cut = (xp.clip(xp.stack([cuts[e] for e in exporters], axis=1), 0.0, 1.0)
               if exporters else xp.zeros((b, 0, n)))
        eps_s, eps_d = plan.eps[mp]
        out = market_step(
            dev["flows"][mp], dev["capacity"][mp], outage=outage,
            exporters=xp.asarray(exporters, dtype=np.int64), cut=cut, surge=surge,
            new_capacity=newcap, allies=dev["allies"], utilisation=plan.utilisation,
            eps_s=eps_s, eps_d=eps_d, pmax=plan.pmax, allocate=allocate,
        )
        if check:
            check_outcome(*(to_numpy(a) for a in (out.delivered, out.demand, out.supplied,
                                                   out.shortfall)))
        shares[mp] = out.share
        short[:, mp] = out.shortfall[:, coi]
        demand[:, mp] = out.demand[:, coi]
        price[:, mp] = out.price
    return short, demand, price


def run_scenario(
    scenario: Scenario,
    network: SupplyNetwork,
    *,
    draws: int | None = None,
    seed: int | None = None,
    countries: Sequence[str] | None = None,
    backend: str = "numpy",
    progress: Callable[[float], None] | None = None,
    allocate: Allocator = fill,
    check: bool = True,
    chunk_bytes: int = CHUNK_BYTES,
) -> StressResult:
    """Run ``scenario`` on ``network`` and return per-draw outcomes (see :class:`StressResult`).

    ``draws``, ``seed`` and ``countries`` override the scenario's settings. ``allocate``
    swaps the allocation rule (the LP reference passes its own). ``check`` runs the
    mass-balance checks on every market outcome.
    """
    scenario = scenario.with_settings(
        draws=draws, seed=seed, countries=list(countries) if countries else None
    )
    values = validate_names(scenario, network)
    if values["stress_demand_elasticity"] <= 0 or any(
        v <= 0 for v in (values["stress_demand_elasticity_by_commodity"] or {}).values()
    ):
        raise ScenarioError("demand elasticities must be > 0", path="assumptions")
    n_draws, horizon = scenario.draws, scenario.horizon_months
    plan = _plan(scenario, network, values, n_draws, scenario.seed)
    xp = get_backend(backend)
    m_count, c_count = len(plan.markets), len(plan.coi)
    out_short = np.zeros((n_draws, m_count, c_count))
    out_dem = np.zeros((n_draws, m_count, c_count))
    out_price = np.ones((n_draws, m_count))
    out_price_avg = np.ones((n_draws, m_count))
    out_stock = np.zeros((n_draws, m_count, c_count))
    out_cover = np.zeros((n_draws, horizon, c_count), dtype=np.float32)
    dev = {
        "flows": xp.asarray(plan.flows), "capacity": xp.asarray(plan.capacity),
        "coi": xp.asarray(plan.coi, dtype=np.int64),
        "allies": None if plan.allies is None else xp.asarray(plan.allies),
        "mask": [None if t.mask is None else xp.asarray(t.mask, dtype=float)
                 for t in plan.timed],
    }
    n = len(plan.countries)
    per_draw = 8 * (n * max(m_count, 1) * 40 + horizon * m_count * (c_count * 3 + 1)
                    + horizon * c_count + n * max(len(plan.timed), 1))
    cap = MAX_CHUNK if backend == "numpy" else n_draws  # GPUs like big chunks
    chunk = int(min(n_draws, cap, max(256, chunk_bytes // per_draw)))
    d0 = plan.flows.sum(axis=1)[:, plan.coi]  # (M, C) base annual demand
    monthly = xp.asarray(d0)[None] / 12.0
    per_month = xp.where(monthly > 0, monthly, 1.0)
    weights = xp.asarray(demand_weights(d0, plan.reported))[None]  # (1, R, C)
    rep = xp.asarray(plan.reported, dtype=np.int64)
    months = np.arange(horizon)
    for a in range(0, n_draws, chunk):
        z = min(n_draws, a + chunk)
        b = z - a
        dev["value"] = [xp.asarray(t.value[a:z]) for t in plan.timed]
        codes = np.zeros((b, horizon), dtype=np.int64)
        for k, t in enumerate(plan.timed):
            start = t.start[a:z, None]
            on = months[None, :] >= start
            if t.months is not None:
                on &= months[None, :] < start + t.months[a:z, None]
            codes |= on.astype(np.int64) << k
        short_m = xp.zeros((b, horizon, m_count, c_count))
        dem_m = xp.broadcast_to(xp.asarray(d0)[None, None], (b, horizon, m_count, c_count)).copy()
        price_m = xp.ones((b, horizon, m_count))
        for code in np.unique(codes):
            if code == 0:
                continue
            at = codes == code
            rows = np.flatnonzero(at.any(axis=1))
            slot = np.full(b, -1)
            slot[rows] = np.arange(len(rows))
            bits = [k for k in range(len(plan.timed)) if code >> k & 1]
            s, d, p = _regime(plan, xp, bits, xp.asarray(rows), allocate, check, dev)
            bi, ti = np.nonzero(at)
            pick = xp.asarray(slot[bi])
            bi, ti = xp.asarray(bi), xp.asarray(ti)
            short_m[bi, ti] = s[pick] / 12.0
            dem_m[bi, ti] = d[pick]
            price_m[bi, ti] = p[pick]
        stock0 = xp.asarray(plan.stock0[a:z] if len(plan.stock0) > 1 else plan.stock0)
        share = xp.asarray(plan.release_share[a:z] if len(plan.release_share) > 1
                           else plan.release_share)
        start = xp.asarray(plan.release_start[a:z] if len(plan.release_start) > 1
                           else plan.release_start)
        stock = stock0 * xp.asarray(d0)[None] / 12.0  # tons
        releasable = xp.broadcast_to(stock * share, (b, m_count, c_count))
        released = xp.zeros((b, m_count, c_count))
        unmet = xp.zeros((b, m_count, c_count))
        cover = xp.zeros((b, horizon, c_count))
        for t in range(horizon):
            need = short_m[:, t]
            rel = xp.where(start <= t, xp.minimum(releasable - released, need), 0.0)
            released += rel
            unmet += need - rel
            left = xp.where(monthly > 0, (stock - released) / per_month, 0.0)  # months
            cover[:, t] = (left[:, rep] * weights).sum(axis=1)
        out_short[a:z] = to_numpy(unmet)
        out_dem[a:z] = to_numpy(dem_m.sum(axis=1) / 12.0)
        out_price[a:z] = to_numpy(price_m.max(axis=1))
        out_price_avg[a:z] = to_numpy(price_m.mean(axis=1))
        out_stock[a:z] = to_numpy(left)
        out_cover[a:z] = to_numpy(cover)
        if progress is not None:
            progress(z / n_draws)
    share_out = np.divide(out_short, out_dem, out=np.zeros_like(out_short), where=out_dem > 0)
    return StressResult(
        scenario=scenario, draws=n_draws, seed=scenario.seed, countries=tuple(scenario.countries),
        markets=tuple(network.markets[m] for m in plan.markets),
        units=tuple(network.units[m] for m in plan.markets), reported=tuple(plan.reported),
        base_demand=d0, shortfall_t=out_short, shortfall_share=share_out,
        price_multiplier=out_price, price_multiplier_avg=out_price_avg,
        stockpile_months=out_stock, cover_path=out_cover,
        assumptions={k: values[k] for k in values if k.startswith("stress_")},
    )
