"""Run a scenario on a SupplyNetwork: all draws at once, chunked, returning a StressResult.

A run (see docs/stress.md):

1. checks names against the network and draws every uncertain number up front (seeded);
2. splits the scenario into independent parts (a commodity's chain of stages) and each
   draw's horizon into *regimes*, the sets of the part's shocks and new capacity active in
   a month; each distinct regime is computed once, vectorised over the draws that meet it:
   withhold → reroute spare capacity → clear the market → pass the shortfall one stage down
   (markets run upstream first; a producer short of its input loses that share of output);
3. draws stockpiles down month by month, at the stage where each holder keeps them: a
   release covers the holder's shortfall there before it passes down the stages (so such
   months are computed month by month; elsewhere horizon totals are regime totals times
   their months, and stocks held only at the last stage of a chain release in closed form,
   min(stock, cumulative need)), keeping each country of interest's months of cover at the
   end of every month (the fan chart);
4. aggregates the months: shortfall summed over the horizon (its share of horizon demand is
   the demand-weighted mean of the monthly shares), and the monthly clearing price both as
   its peak and as its mean over the horizon's months (what the GDP cost is priced on).

There is no Python loop over draws; draws are processed in chunks sized to a memory budget,
so 100,000 draws fit in 2 GB. Results do not depend on the chunk size.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from threadpoolctl import threadpool_limits

from ..assumptions import Assumptions
from ..conventions.countries import group_members
from ..errors import FriendshoreError, ScenarioError, UnknownNameError
from ..network.build import stockpile_months, stockpile_settings
from ..network.supply import SupplyNetwork
from ..results import Tidy
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

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["StressResult", "cover_weights", "demand_weights", "dormant_capacity", "run_scenario"]

#: Memory budget for one chunk of draws (bytes); leaves headroom under 2 GB.
CHUNK_BYTES = 600 * 2**20
#: At most this many draws per numpy chunk, so progress callbacks come often enough.
MAX_CHUNK = 20_000
#: The per-draw months-of-cover paths keep at most this many bytes: with many countries of
#: interest only the first draws' paths are kept (an iid sample of the run, for the fan).
COVER_BYTES = 256 * 2**20
#: A (draws, countries) array of one chunk stays under this size (bytes): glibc serves
#: smaller blocks from its heap, larger ones by mmap, page-faulting on every new temporary.
ARRAY_BYTES = 16 * 2**20


def demand_weights(base_demand: np.ndarray, reported: Sequence[int]) -> np.ndarray:
    """(reported markets, countries) weights that sum each country's per-market figures
    into one: its share of base demand per market, equal shares where it has no demand."""
    d0 = np.asarray(base_demand)[list(reported)]
    total = d0.sum(axis=0)
    return np.where(total > 0, d0 / np.where(total > 0, total, 1.0), 1.0 / len(reported))


def cover_weights(
    base_demand: np.ndarray, reported: Sequence[int], chains: Sequence[Sequence[int]]
) -> np.ndarray:
    """(markets, countries): W[m, c] = Σ_r w[r, c] over the reported markets r whose chain
    (r and the markets upstream of it) contains m; w = :func:`demand_weights`."""
    w = demand_weights(base_demand, reported)
    out = np.zeros(np.asarray(base_demand).shape)
    for k, r in enumerate(reported):
        for m in (chains[k] if chains else (r,)):
            out[m] += w[k]
    return out


@dataclass(repr=False)
class StressResult(Tidy):
    """Per-draw outcomes of one scenario for each country of interest and involved market.

    Arrays are numpy, shaped (draws, markets, countries) unless noted:
    ``shortfall_t`` (demand not met over the horizon, after stockpile release, in the
    market's unit), ``shortfall_share`` (0..1 of that country's demand over the horizon, i.e.
    the demand-weighted mean of the monthly shortfall shares), ``price_multiplier`` (draws,
    markets; peak monthly price / pre-disruption price), ``price_multiplier_avg`` (draws,
    markets; mean over the horizon's months of the monthly price / pre-disruption price, 1 in
    months without a shock), ``stockpile_months`` (stockpile left at the end of the horizon,
    months of demand) and
    ``cover_path`` (kept draws, horizon months, countries; float32: months of demand left in
    stock at the end of each month, weighted over the reported markets as
    :meth:`country_arrays` weights them; read it with :meth:`cover_paths`). The paths of
    the first ``COVER_BYTES / (4 · months · countries)`` draws are kept (all of them for a
    few countries; 12,800 of 100,000 with 218 countries), an iid sample for the fan chart.
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
    #: per reported market, the markets whose stock covers it (itself and its upstream)
    stock_chains: tuple[tuple[int, ...], ...] = ()
    #: (markets, countries) annual production before the shocks (None: not recorded)
    base_production: np.ndarray | None = None

    def headline(self) -> str:
        """Scenario, draws, seed, countries and markets in one line (the notebook repr)."""
        return (f"{self.scenario.name}: {self.draws:,} draws, seed {self.seed}, "
                f"{', '.join(self.countries)}; {', '.join(f'{c}/{s}' for c, s in self.markets)}")

    def to_frame(self) -> pd.DataFrame:
        """One row per draw, market and country: shortfall (t, share 0..1 of demand), price
        multipliers (peak and mean over the horizon) and stockpile months left."""
        import pandas as pd

        shape = self.shortfall_t.shape
        index = pd.MultiIndex.from_product(
            [range(shape[0]), [f"{c}/{s}" for c, s in self.markets], self.countries],
            names=["draw", "market", "country"])
        columns = {"shortfall_t": self.shortfall_t, "shortfall_share": self.shortfall_share,
                   "price_multiplier": self.price_multiplier[:, :, None],
                   "price_multiplier_avg": self.price_multiplier_avg[:, :, None],
                   "stockpile_months": self.stockpile_months}
        return pd.DataFrame({k: np.broadcast_to(v, shape).ravel() for k, v in columns.items()},
                            index=index).reset_index()

    def domestic_share(self, country: str) -> dict[tuple[str, str], float]:
        """Per market, the country's base production over its base demand (0 without
        demand): the share of its use that domestic producers sell at the shocked price."""
        c = self.countries.index(country)
        if self.base_production is None:
            return {}
        d, p = self.base_demand[:, c], self.base_production[:, c]
        return {m: float(p[i] / d[i]) if d[i] > 0 else 0.0 for i, m in enumerate(self.markets)}

    def cover_weights(self) -> np.ndarray:
        """(markets, countries) weights turning per-market months of stock into one cover:
        a reported market's demand weight, given to it and to every upstream market whose
        stock covers it (a stock's months of its own demand count as months of the chain's)."""
        return cover_weights(self.base_demand, self.reported, self.stock_chains)

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
            "stockpile_months": self.stockpile_months[:, :, c] @ self.cover_weights()[:, c],
        }

    def cover_paths(self, country: str) -> np.ndarray:
        """(kept draws, horizon months) float32: months of demand left in stock at the end of
        each month, over the reported markets, for the first draws (see the class); the last
        month is ``country_arrays``'s ``stockpile_months`` of those draws."""
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
    origin: bool = False  # restriction follows the exporter's material abroad


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
    stock0: np.ndarray  # (draws or 1, M, N) stock in months of demand
    release_share: np.ndarray  # (draws or 1, M, N)
    release_start: np.ndarray  # (draws or 1, M, N)
    utilisation: float
    pmax: float
    chains: list[tuple[int, ...]]  # per reported market: itself and its upstream markets
    feeding: list[int]  # markets holding stock that feed another market (stepped inline)


def dormant_capacity(capacity: np.ndarray, production: np.ndarray, share: float) -> np.ndarray:
    """Capacity the engine may use: ``K_i`` where country i produces, ``share·K_i`` where it
    produced nothing in the data year (dormant plants restart only in that share)."""
    return np.where(production > 0, capacity, share * capacity)


class _Balance:
    """Mass balance of every market step (no negative shortfall or delivery, nothing delivered
    beyond what was supplied), reduced where the arrays live and verified on the host once
    per run, so a GPU run copies nothing back inside the loop."""

    def __init__(self, tol: float = 1e-9) -> None:
        self.tol = tol
        self.worst: list[Any] = []

    def add(self, xp: Any, out: Any) -> None:
        """Record one outcome's worst violation relative to its scale (a device scalar)."""
        short, demand = out.shortfall, out.demand
        scale = xp.maximum(xp.maximum(_most(xp, xp.abs(demand), 1.0),
                                      _most(xp, xp.abs(short), 0.0)),
                           _most(xp, xp.abs(out.supplied), 0.0))
        excess = demand.sum(axis=-1) - short.sum(axis=-1) - out.supplied
        worst = xp.maximum(xp.maximum(-_least(xp, short, 0.0), _most(xp, short - demand, 0.0)),
                           _most(xp, excess, 0.0))
        self.worst.append(worst / scale)

    def verify(self) -> None:
        """Raise if any recorded outcome broke the balance by more than ``tol``."""
        if self.worst:
            bad = float(max(float(to_numpy(w)) for w in self.worst))
            if bad > self.tol:
                raise FriendshoreError(
                    f"mass balance: a market outcome is off by {bad:g} of its scale "
                    "(negative shortfall or delivery, or more delivered than supplied)")


def _most(xp: Any, x: Any, floor: float) -> Any:
    """``max(x.max(), floor)`` as a scalar where ``x`` lives, empty ``x`` included: CuPy's
    reductions take no ``initial=`` (numpy's do)."""
    return xp.maximum(x.max(), floor) if x.size else xp.asarray(floor)


def _least(xp: Any, x: Any, ceiling: float) -> Any:
    """``min(x.min(), ceiling)`` as a scalar where ``x`` lives, empty ``x`` included."""
    return xp.minimum(x.min(), ceiling) if x.size else xp.asarray(ceiling)


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
    named += [_upstream_market(net, ev.commodity, ev.stage) for _, ev in events
              if isinstance(ev, ExportRestriction) and ev.origin]
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
    # every country that produces, uses or could produce (idle capacity) in an involved
    # market: a market's own set, so its result never depends on which others run with it
    active = np.zeros(len(net.countries), dtype=bool)
    for m in involved:
        active |= (net.production[m] > 0) | (net.demand[m] > 0) | (net.capacity[m] > 0)
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
    dormant = float(values["stress_dormant_capacity_share"])
    for j, m in enumerate(involved):
        flows[j, :k, :k] = net.flows[m][np.ix_(sub, sub)]
        capacity[j, :k] = dormant_capacity(net.capacity[m][sub], net.production[m][sub],
                                           dormant)
        base_stock[j, :k] = net.stockpile_months[m][sub]
        stockpile_settings(values, *net.markets[m])  # read: the run uses what built them
    if any("stockpile" in key for key in values.overrides):
        for j, m in enumerate(involved):
            commodity, stage = net.markets[m]
            base_stock[j] = stockpile_months(values, commodity, sub_codes_ext, stage)
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
                                s("start_month"), s("months"), ev.origin))
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
    shape = (1, len(involved), n_sub)
    stock0 = base_stock[None].copy()
    share = np.ones(shape)
    start = np.zeros(shape)
    held = set(values["stress_stockpile_stages"] or ())
    for i, ev in enumerate(scenario.responses):
        if not isinstance(ev, StockpileRelease):
            continue
        cmask = _mask(sub_codes_ext, resolve_targets(ev.countries, where=""))
        mmask = np.array([ev.commodity in (None, net.markets[m][0])
                          and ev.stage in (None, net.markets[m][1]) for m in involved])
        at = np.array([net.markets[m][1] == ev.stage if ev.stage else net.markets[m][1] in held
                       for m in involved])
        stock0, share, start = (np.broadcast_to(a, (draws, *shape[1:])).copy()
                                for a in (stock0, share, start))
        if ev.stock_months is not None:
            sel = (mmask & at)[:, None] & cmask[None, :]
            stock0[:, sel] = samples[("responses", i, "stock_months")][:, None]
        sel = mmask[:, None] & cmask[None, :]
        share[:, sel] = samples[("responses", i, "share")][:, None]
        start[:, sel] = samples[("responses", i, "start_month")][:, None]
    chains = []
    for r in reported:
        chain = [r]
        while chain[-1] in upstream:
            chain.append(upstream[chain[-1]])
        chains.append(tuple(chain))
    feeding = sorted(set(upstream.values()))
    return _Plan(
        markets=involved, upstream=upstream, reported=reported,
        countries=np.array(sub_codes_ext), coi=coi, flows=flows, capacity=capacity, eps=eps,
        allies=allies, timed=timed, stock0=stock0, release_share=share, release_start=start,
        utilisation=float(values["stress_spare_utilisation"]),
        pmax=float(values["stress_max_price_multiplier"]),
        chains=chains,
        feeding=[m for m in feeding if (stock0[:, m] > 0).any()],
    )


def _upstream_market(net: SupplyNetwork, commodity: str, stage: str) -> int:
    """The market one stage up of (commodity, stage) (validated to exist for origin shocks)."""
    stages = net.stages_of(commodity)
    return net.market(commodity, stages[stages.index(stage) - 1])


def _content(plan: _Plan, xp: Any, dev: dict[str, Any], e: int, seen: dict[str, Any]) -> Any:
    """(b, N) share of each country's input at the upstream market that came from exporter
    ``e`` in this regime: a_i = F_ei (1 − o_e)(1 − c_ei) / input_i, input = what i received
    (stock released included, counted as other material); 0 for ``e`` itself."""
    from_e = dev["flows"][seen["market"]][e][None, :]
    if seen["outage"] is not None:
        from_e = from_e * (1.0 - seen["outage"][:, e:e + 1])
    if e in seen["cuts"]:
        from_e = from_e * (1.0 - xp.clip(seen["cuts"][e], 0.0, 1.0))
    used = seen["demand"] - seen["short"]
    ok = used > 1e-200
    a = xp.where(ok, xp.minimum(from_e / xp.where(ok, used, 1.0), 1.0), 0.0)
    a[:, e] = 0.0
    return a


def _regime(
    plan: _Plan, xp: Any, bits: list[int], sel: Any, allocate: Allocator, check: _Balance | None,
    dev: dict[str, Any], avail: Any | None = None,
) -> tuple[Any, Any, Any, Any]:
    """Annual-rate shortfall and demand (b, M, N) and price (b, M) for draws ``sel`` when
    the timed events ``bits`` are active, and the stock released this month (b, M, N, t).

    Markets run upstream first. With ``avail`` (b, M, N: stock that may be released this
    month, t) each holder's release covers its shortfall at that market before the shortfall
    passes down: released = min(avail, shortfall/12).
    """
    b = len(sel)
    n = len(plan.countries)
    m_count = len(plan.markets)
    short, demand, price, released = [], [], [], []
    shares: dict[int, Any] = {}
    seen: dict[int, dict[str, Any]] = {}
    feeds = set(plan.upstream.values())
    for mp in range(m_count):
        events = [(k, plan.timed[k]) for k in bits if plan.timed[k].market == mp]
        outage = surge = newcap = None  # zero unless an event sets them
        cuts: dict[int, Any] = {}
        ocuts: dict[int, Any] = {}
        for k, ev in events:
            v = dev["value"][k][sel]
            if ev.kind == "outage":
                outage = xp.zeros((b, n)) if outage is None else outage
                outage[:, ev.country] = 1.0 - (1.0 - outage[:, ev.country]) * (1.0 - v)
            elif ev.kind == "surge":
                add = v[:, None] * dev["mask"][k][None, :]
                surge = add if surge is None else surge + add
            elif ev.kind == "capacity":
                newcap = xp.zeros((b, n)) if newcap is None else newcap
                newcap[:, ev.country] += v
            else:
                c = v[:, None] * dev["mask"][k][None, :]
                cuts[ev.country] = cuts.get(ev.country, 0.0) + c
                if ev.origin:
                    ocuts[ev.country] = ocuts.get(ev.country, 0.0) + c
        if mp in plan.upstream:
            up_short = shares[plan.upstream[mp]]
            outage = up_short if outage is None else 1.0 - (1.0 - outage) * (1.0 - up_short)
        exporters = sorted(cuts)
        cut = (xp.clip(xp.stack([cuts[e] for e in exporters], axis=1), 0.0, 1.0,
                       out=None if len(exporters) > 1 else cuts[exporters[0]][:, None])
               if exporters else xp.zeros((b, 0, n)))
        content = content_cut = None
        if ocuts:
            up = seen[plan.upstream[mp]]
            content = xp.stack([_content(plan, xp, dev, e, up) for e in sorted(ocuts)], axis=1)
            content_cut = xp.clip(xp.stack([ocuts[e] for e in sorted(ocuts)], axis=1), 0.0, 1.0)
        eps_s, eps_d = plan.eps[mp]
        out = market_step(
            dev["flows"][mp], dev["capacity"][mp], outage=outage,
            exporters=np.asarray(exporters, dtype=np.int64), cut=cut, surge=surge,
            new_capacity=newcap, allies=dev["allies"], utilisation=plan.utilisation,
            eps_s=eps_s, eps_d=eps_d, pmax=plan.pmax, allocate=allocate,
            content=content, content_cut=content_cut, batch=b,
        )
        if check is not None:
            check.add(xp, out)
        unmet = out.shortfall
        if avail is not None:
            rel = xp.minimum(avail[:, mp], unmet / 12.0)
            unmet = xp.maximum(unmet - 12.0 * rel, 0.0)
            released.append(rel)
        if mp in feeds:
            ok = out.demand > 1e-200
            shares[mp] = xp.where(ok, unmet / xp.where(ok, out.demand, 1.0), 0.0)
        seen[mp] = {"market": mp, "outage": outage,
                    "cuts": cuts, "demand": out.demand, "short": unmet}
        short.append(unmet)
        demand.append(out.demand)
        price.append(out.price)
    stack = (lambda xs: xs[0][:, None]) if m_count == 1 else (  # noqa: E731
        lambda xs: xp.stack(xs, axis=1))
    return (stack(short), stack(demand), stack(price),
            stack(released) if released else xp.zeros((b, m_count, n)))


def _month(
    plan: _Plan, xp: Any, code: int, rows: np.ndarray, every: np.ndarray, avail: Any,
    cache: dict[tuple[int, ...], tuple[np.ndarray, tuple[Any, ...]]], allocate: Allocator,
    check: _Balance | None, dev: dict[str, Any], keep: np.ndarray,
) -> tuple[Any, Any, Any, Any]:
    """One month of regime ``code`` for draws ``rows`` (of the chunk) with stock ``avail``
    (rows, M, K) that may be released, on the countries ``keep`` (K: the countries of
    interest and every stock holder, the only ones whose figures matter): annual shortfall
    after release and demand (rows, M, K), price (rows, M) and the stock released (rows, M,
    K, t).

    A regime is computed once for all draws ``every`` that meet it (no stock released) and
    once per stock holder h at a market m that feeds another, with h's shortfall at m fully
    covered. A draw with one such stock left takes the covered result for the share
    f = min(1, avail / need) of the month and the uncovered one for the rest (the stock runs
    out within the month); a draw with several is stepped exactly (:func:`_regime` with
    ``avail``). Stock at the end of a chain is then drawn against what is left short.
    """
    bits = [k for k in range(len(plan.timed)) if code >> k & 1]
    m_count, n = len(plan.markets), len(plan.countries)
    kx = xp.asarray(keep)

    def cached(key: tuple[int, ...], cover: tuple[int, int] | None) -> tuple[Any, ...]:
        if key not in cache:
            slot = np.full(int(every.max()) + 1, -1)
            slot[every] = np.arange(len(every))
            full = None
            if cover is not None:
                full = xp.zeros((len(every), m_count, n))
                full[:, cover[0], cover[1]] = np.inf
            s, d, p, rel = _regime(plan, xp, bits, xp.asarray(every), allocate, check, dev,
                                   full)
            cache[key] = (slot, (s[:, :, kx], d[:, :, kx], p, rel[:, :, kx]))
        slot, out = cache[key]
        return tuple(x[xp.asarray(slot[rows])] for x in out)

    s, d, p, rel = cached((code,), None)  # fancy indexing: copies, safe to write
    if plan.feeding:
        k_count = len(keep)
        live = to_numpy(avail[:, plan.feeding] > 0).reshape(len(rows), -1)
        count = live.sum(axis=1)
        many = np.flatnonzero(count > 1)
        if len(many):
            full = xp.zeros((len(many), m_count, n))
            full[:, :, kx] = avail[xp.asarray(many)]
            out = _regime(plan, xp, bits, xp.asarray(rows[many]), allocate, check, dev, full)
            for x, y in zip((s, d, p, rel), out, strict=True):
                x[xp.asarray(many)] = y if y.ndim == 2 else y[:, :, kx]
        pair = live.argmax(axis=1)
        for k in np.unique(pair[count == 1]):
            m, h = plan.feeding[k // k_count], k % k_count
            one = np.flatnonzero((count == 1) & (pair == k))
            sc, dc, pc, rc = cached((code, m, int(keep[h])), (m, int(keep[h])))
            sub = xp.asarray(one)
            need = rc[sub, m, h]
            ok = need > 0
            f = xp.where(ok, xp.minimum(1.0, avail[sub, m, h] / xp.where(ok, need, 1.0)), 1.0)
            for x, y in ((s, sc), (d, dc)):
                x[sub] = f[:, None, None] * y[sub] + (1.0 - f[:, None, None]) * x[sub]
            p[sub] = f[:, None] * pc[sub] + (1.0 - f[:, None]) * p[sub]
            rel[sub, m, h] = f * need
    extra = xp.minimum(avail - rel, s / 12.0)
    return xp.maximum(s - 12.0 * extra, 0.0), d, p, rel + extra


def _parts(plan: _Plan) -> list[list[int]]:
    """The plan's markets grouped into independent chains (markets linked by ``upstream``):
    no shock in one chain reaches another, so each runs on its own regimes."""
    root = list(range(len(plan.markets)))

    def find(m: int) -> int:
        while root[m] != m:
            m = root[m]
        return m

    for down, up in plan.upstream.items():
        root[find(down)] = find(up)
    groups: dict[int, list[int]] = {}
    for m in range(len(plan.markets)):
        groups.setdefault(find(m), []).append(m)
    return list(groups.values())


def _subplan(plan: _Plan, part: list[int]) -> _Plan:
    """The plan cut down to the markets ``part`` and the countries that take part in them
    (output, use or capacity there, the countries of interest and builders)."""
    at = {m: k for k, m in enumerate(part)}
    timed = [t for t in plan.timed if t.market in at]
    keep = np.zeros(len(plan.countries), dtype=bool)
    keep[plan.coi] = True
    for t in timed:
        if t.kind == "capacity":
            keep[t.country] = True
    for m in part:
        keep |= (plan.flows[m].sum(axis=0) > 0) | (plan.flows[m].sum(axis=1) > 0)
        keep |= plan.capacity[m] > 0
    for t in timed:
        if t.country is not None:
            keep[t.country] = True
    cs = np.flatnonzero(keep)
    where = {int(c): k for k, c in enumerate(cs)}
    sub_timed = [_Timed(t.kind, at[t.market], None if t.country is None else where[t.country],
                        None if t.mask is None else t.mask[cs], t.value, t.start, t.months,
                        t.origin) for t in timed]
    cut = np.ix_(part, cs)
    return _Plan(
        markets=[plan.markets[m] for m in part],
        upstream={at[d]: at[u] for d, u in plan.upstream.items() if d in at},
        reported=[at[r] for r in plan.reported if r in at],
        countries=plan.countries[cs], coi=[where[c] for c in plan.coi],
        flows=plan.flows[part][:, cs][:, :, cs], capacity=plan.capacity[cut],
        eps=[plan.eps[m] for m in part],
        allies=None if plan.allies is None else plan.allies[cs], timed=sub_timed,
        stock0=plan.stock0[:, part][:, :, cs],
        release_share=plan.release_share[:, part][:, :, cs],
        release_start=plan.release_start[:, part][:, :, cs],
        utilisation=plan.utilisation, pmax=plan.pmax,
        chains=[tuple(at[m] for m in chain) for r, chain in zip(plan.reported, plan.chains,
                                                                  strict=True) if r in at],
        feeding=[at[m] for m in plan.feeding if m in at],
    )


@dataclass
class _Outputs:
    """Per-draw results of a run on the plan's markets and countries of interest."""

    short: np.ndarray  # (draws, M, C) shortfall over the horizon
    dem: np.ndarray  # (draws, M, C) demand over the horizon
    price: np.ndarray  # (draws, M) peak monthly price multiplier
    price_avg: np.ndarray  # (draws, M) horizon-average price multiplier
    stock: np.ndarray  # (draws, M, C) months of stock left at the end
    cover: np.ndarray  # (draws, horizon, C) float32 months of cover, all markets together


def _codes(plan: _Plan, a: int, z: int, horizon: int) -> np.ndarray:
    """(draws a..z, horizon) regime code per month: bit k set while timed event k is on."""
    months = np.arange(horizon)
    codes = np.zeros((z - a, horizon), dtype=np.int64)
    for k, t in enumerate(plan.timed):
        start = t.start[a:z, None]
        on = months[None, :] >= start
        if t.months is not None:
            on &= months[None, :] < start + t.months[a:z, None]
        codes |= on.astype(np.int64) << k
    return codes


def _distinct(codes: np.ndarray) -> np.ndarray:
    """The distinct regime codes of a chunk (a count of each code when codes are small)."""
    top = int(codes.max(initial=0))
    if top < 4 * codes.size:
        return np.flatnonzero(np.bincount(codes.ravel(), minlength=top + 1))
    return np.unique(codes)


@dataclass
class _Chunk:
    """One chunk's accumulators over the horizon, at the countries of interest."""

    unmet: Any  # (b, M, C) shortfall after release, tons
    dem: Any  # (b, M, C) demand over the horizon, tons
    peak: Any  # (b, M) peak monthly price multiplier
    total_p: Any  # (b, M) sum of monthly price multipliers
    left: Any  # (b, M, C) months of stock left at the end
    cover: Any  # (b, horizon, C) months of cover at the end of each month


def _chunk_stepped(
    plan: _Plan, xp: Any, codes: np.ndarray, stock: Any, releasable: Any, start: Any,
    w: Any, allocate: Allocator, check: _Balance | None, dev: dict[str, Any],
) -> _Chunk:
    """Month by month: needed when a stock is held at a market that feeds another (its
    release changes the shortfall passed down). The months' bookkeeping is kept on the
    countries of interest and the stock holders only."""
    b, horizon = codes.shape
    m_count, c_count = len(plan.markets), len(plan.coi)
    holders = np.flatnonzero(to_numpy((releasable > 0).any(axis=(0, 1))))
    keep = np.union1d(np.asarray(plan.coi, dtype=np.int64), holders)
    at = xp.asarray(np.searchsorted(keep, plan.coi))  # countries of interest within keep
    kx = xp.asarray(keep)
    d0 = dev["d0"]
    monthly = dev["monthly"][:, :, kx]
    per_month = xp.where(monthly > 0, monthly, 1.0)
    stock, releasable, start = stock[:, :, kx], releasable[:, :, kx], start[:, :, kx]
    released = xp.zeros((b, m_count, len(keep)))
    acc = _Chunk(unmet=xp.zeros((b, m_count, c_count)),
                 dem=xp.broadcast_to(d0[None] * (horizon / 12.0), (b, m_count, c_count)).copy(),
                 peak=xp.ones((b, m_count)), total_p=xp.full((b, m_count), float(horizon)),
                 left=None, cover=xp.zeros((b, horizon, c_count)))
    cache: dict[tuple[int, ...], tuple[np.ndarray, tuple[Any, ...]]] = {}
    for t in range(horizon):
        avail = xp.where(start <= t, releasable - released, 0.0)
        for code in np.unique(codes[:, t]):
            if code == 0:
                continue
            rows = np.flatnonzero(codes[:, t] == code)
            every = np.flatnonzero((codes == code).any(axis=1))
            ix = xp.asarray(rows)
            s, d, p, rel = _month(plan, xp, code, rows, every, avail[ix], cache, allocate,
                                  check, dev, keep)
            released[ix] += rel
            acc.unmet[ix] += s[:, :, at] / 12.0
            acc.dem[ix] += (d[:, :, at] - d0[None]) / 12.0
            acc.peak[ix] = xp.maximum(acc.peak[ix], p)
            acc.total_p[ix] += p - 1.0
        left = ((stock - released) / per_month)[:, :, at]
        acc.left = xp.where(monthly[:, :, at] > 0, left, 0.0)  # months
        acc.cover[:, t] = (acc.left * w).sum(axis=1)
    return acc


def _chunk_closed(
    plan: _Plan, xp: Any, codes: np.ndarray, stock: Any, releasable: Any, start: Any,
    w: Any, allocate: Allocator, check: _Balance | None, dev: dict[str, Any],
) -> _Chunk:
    """Each regime once, no month loop over the country axis: with no stock feeding another
    market the shortfall before release does not depend on stocks, so horizon totals are
    Σ_regimes months_in_regime · result, and a stock at the end of a chain releases in
    closed form, released by month t = min(releasable, Σ need since its release starts),
    tracked at the countries of interest only (nobody else's stock changes their result)."""
    b, horizon = codes.shape
    m_count, c_count = len(plan.markets), len(plan.coi)
    coi = dev["coi"]
    d0 = dev["d0"]
    acc = _Chunk(unmet=xp.zeros((b, m_count, c_count)),
                 dem=xp.broadcast_to(d0[None] * (horizon / 12.0), (b, m_count, c_count)).copy(),
                 peak=xp.ones((b, m_count)), total_p=xp.full((b, m_count), float(horizon)),
                 left=None, cover=None)
    held = stock[:, :, coi]  # (b or 1, M, C) tons in stock at the start
    cap = releasable[:, :, coi]
    # the countries of interest holding a releasable stock somewhere in this part
    stocked = np.flatnonzero(to_numpy((cap > 0).any(axis=(0, 1))))
    need = xp.zeros((b, horizon, m_count, len(stocked))) if len(stocked) else None
    for code in _distinct(codes):
        if code == 0:
            continue
        bits = [k for k in range(len(plan.timed)) if code >> k & 1]
        hit = codes == code
        every = np.flatnonzero(hit.any(axis=1))
        count = xp.asarray(hit[every].sum(axis=1).astype(float))  # months in this regime
        s, d, p, _ = _regime(plan, xp, bits, xp.asarray(every), allocate, check, dev)
        s = s[:, :, coi] / 12.0  # monthly need at the countries of interest
        ix = xp.asarray(every)
        acc.unmet[ix] += count[:, None, None] * s
        acc.dem[ix] += count[:, None, None] * (d[:, :, coi] - d0[None]) / 12.0
        acc.peak[ix] = xp.maximum(acc.peak[ix], p)
        acc.total_p[ix] += count[:, None] * (p - 1.0)
        if need is not None:
            r, t = np.nonzero(hit[every])
            need[xp.asarray(every[r]), xp.asarray(t)] = s[xp.asarray(r)][:, :, stocked]
    monthly = dev["monthly"][:, :, coi]
    per_month = xp.where(monthly > 0, monthly, 1.0)
    left = xp.broadcast_to(xp.where(monthly > 0, held / per_month, 0.0), (b, m_count, c_count))
    acc.cover = xp.broadcast_to((left * w).sum(axis=1)[:, None, :], (b, horizon, c_count))
    acc.left = left
    if need is None:
        return acc
    acc.left, acc.cover = left.copy(), acc.cover.copy()
    month = xp.arange(horizon)[None, :, None, None]
    begin = start[:, None][:, :, :, coi[stocked]]
    due = xp.where(month >= begin, need, 0.0)  # (b, horizon, M, stocked)
    released = xp.minimum(cap[:, None][:, :, :, stocked], xp.cumsum(due, axis=1))
    ok = monthly[:, None][:, :, :, stocked] > 0
    path = xp.where(ok, (held[:, None][:, :, :, stocked] - released)
                    / per_month[:, None][:, :, :, stocked], 0.0)  # (b, horizon, M, stocked)
    acc.unmet[:, :, stocked] = xp.maximum(acc.unmet[:, :, stocked] - released[:, -1], 0.0)
    acc.left[:, :, stocked] = path[:, -1]
    acc.cover[:, :, stocked] = (path * w[:, None][:, :, :, stocked]).sum(axis=2)
    return acc


def _run_part(
    plan: _Plan, xp: Any, out: _Outputs, at: list[int], weights: np.ndarray, horizon: int,
    allocate: Allocator, check: _Balance | None, chunk_bytes: int, big_chunks: bool,
    threads: int, progress: Callable[[float], None] | None,
) -> None:
    """Run one independent part of a plan over all draws, chunked, writing its markets
    ``at`` of ``out`` and adding its months of cover (``weights``: (M, C) of this part).
    Chunks write disjoint rows, so they run on ``threads`` threads."""
    n_draws = out.short.shape[0]
    m_count = len(plan.markets)
    d0_all = plan.flows.sum(axis=1)  # (M, N) base annual demand
    dev: dict[str, Any] = {
        "flows": xp.asarray(plan.flows), "capacity": xp.asarray(plan.capacity),
        "coi": xp.asarray(plan.coi, dtype=np.int64),
        "allies": None if plan.allies is None else xp.asarray(plan.allies),
        "mask": [None if t.mask is None else xp.asarray(t.mask, dtype=float)
                 for t in plan.timed],
        "d0": xp.asarray(d0_all[:, plan.coi]), "monthly": xp.asarray(d0_all)[None] / 12.0,
    }
    n, c_count = len(plan.countries), len(plan.coi)
    per_draw = 8 * (n * max(m_count, 1) * 48 + horizon * (c_count + 2 * m_count)
                    + n * max(len(plan.timed), 1) + 2 * horizon * m_count * c_count)
    cap = n_draws if big_chunks else min(MAX_CHUNK, max(256, ARRAY_BYTES // (8 * max(n, 1))))
    chunk = int(min(n_draws, cap, max(256, chunk_bytes // (per_draw * max(threads, 1)))))
    w = xp.asarray(weights)[None]  # (1, M, C)
    step = _chunk_stepped if plan.feeding else _chunk_closed
    finished = [0]
    lock = threading.Lock()

    def one(a: int) -> None:
        z = min(n_draws, a + chunk)
        cdev = {**dev, "value": [xp.asarray(t.value[a:z]) for t in plan.timed]}
        part = [xp.asarray(x[a:z] if len(x) > 1 else x)
                for x in (plan.stock0, plan.release_share, plan.release_start)]
        stock = part[0] * dev["monthly"]  # (b or 1, M, N) tons
        acc = step(plan, xp, _codes(plan, a, z, horizon), stock, stock * part[1], part[2], w,
                   allocate, check, cdev)
        out.short[a:z, at] = to_numpy(acc.unmet)
        out.dem[a:z, at] = to_numpy(acc.dem)
        out.price[a:z, at] = to_numpy(acc.peak)
        out.price_avg[a:z, at] = to_numpy(acc.total_p / horizon)
        out.stock[a:z, at] = to_numpy(acc.left)
        kept = min(z, len(out.cover)) - a  # rows of this chunk whose cover paths are kept
        if kept > 0:
            out.cover[a:a + kept] += to_numpy(acc.cover[:kept]).astype(np.float32)
        with lock:
            finished[0] += z - a
            if progress is not None:
                progress(finished[0] / n_draws)

    starts = range(0, n_draws, chunk)
    if threads <= 1 or len(starts) == 1:
        for a in starts:
            one(a)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="friendshore-chunk") as pool:
        futures = [pool.submit(one, a) for a in starts]
        try:
            for f in futures:
                f.result()
        except BaseException:  # a failed chunk, or a cancelled job's progress: stop the rest
            for f in futures:
                f.cancel()
            raise


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
    threads: int | None = None,
) -> StressResult:
    """Run ``scenario`` on ``network`` and return per-draw outcomes (see :class:`StressResult`).

    ``draws``, ``seed`` and ``countries`` override the scenario's settings. ``allocate``
    swaps the allocation rule (the LP reference passes its own). ``check`` runs the
    mass-balance checks on every market outcome. Independent chains of markets (no shock
    of one reaches another) run one after another, each on its own regimes, so the cost
    grows with the number of shocks, not with the number of their combinations. On numpy
    the chunks of draws run on ``threads`` threads (default: one per CPU), each with one
    BLAS thread; results do not depend on the number of threads.
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
    out = _Outputs(
        short=np.zeros((n_draws, m_count, c_count)), dem=np.zeros((n_draws, m_count, c_count)),
        price=np.ones((n_draws, m_count)), price_avg=np.ones((n_draws, m_count)),
        stock=np.zeros((n_draws, m_count, c_count)),
        cover=np.zeros((min(n_draws, max(1000, COVER_BYTES // (4 * horizon * max(c_count, 1)))),
                        horizon, c_count), dtype=np.float32),
    )
    d0 = plan.flows.sum(axis=1)[:, plan.coi]
    weights = cover_weights(d0, plan.reported, plan.chains)  # (M, C)
    parts = _parts(plan)
    balance = _Balance() if check else None
    n_threads = (threads or os.cpu_count() or 1) if backend == "numpy" else 1
    with threadpool_limits(limits=1, user_api="blas"):  # parallel across chunks instead
        for k, at in enumerate(parts):
            sub = _subplan(plan, at)
            step = None if progress is None else (
                lambda f, k=k: progress((k + f) / len(parts)))  # type: ignore[misc]
            _run_part(sub, xp, out, at, weights[at], horizon, allocate, balance, chunk_bytes,
                      backend != "numpy", n_threads, step)
    if balance is not None:
        balance.verify()
    share_out = np.divide(out.short, out.dem, out=out.dem, where=out.dem > 0)  # dem ≥ 0
    return StressResult(
        scenario=scenario, draws=n_draws, seed=scenario.seed, countries=tuple(scenario.countries),
        markets=tuple(network.markets[m] for m in plan.markets),
        units=tuple(network.units[m] for m in plan.markets), reported=tuple(plan.reported),
        base_demand=d0, shortfall_t=out.short, shortfall_share=share_out,
        price_multiplier=out.price, price_multiplier_avg=out.price_avg,
        stockpile_months=out.stock, cover_path=out.cover,
        assumptions=values.snapshot("stress_"),
        stock_chains=tuple(plan.chains),
        base_production=plan.flows.sum(axis=2)[:, plan.coi],
    )
