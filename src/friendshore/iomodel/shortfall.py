"""GDP cost of mineral shortfalls on the detailed IO tables (dependent-output model).

For a country (USA: BEA 2017 detail, 402 industries; JPN: MIC 2015 basic, 509 goods) and the
markets a stress run touches, the end-use bridge (:mod:`.enduse`) names each market's user
industries, their shares of use and their dependent shares. :func:`dependent.build_system`
splits the users into dependent parts; the loss of value added per draw is

    loss_k = Q(σ_k) + Σ_m (p_km − 1) V_m (1 − σ_km) − Σ_m (p_km − 1) V_m d_m,

the quantity channel Q (the dependent-output programme, :func:`dependent.shortfall_loss`:
exact knapsack curves, a joint LP for minerals that share products), the users' extra cost of
what they still receive and the domestic producers' gain (:func:`dependent.price_channel`;
V_m = consumption × price from ``consumption.csv`` and ``prices.csv``, d_m = domestic production
/ demand from the stress network). All are annual rates times the horizon in years.

Money: the quantity channel is in the table's money (USD million 2017; JPY billion 2015),
converted to USD (``ripple_jpy_per_usd``) and, for the USA, restated at the size of the economy
of ``ripple_detail_value_year``: times the ratio of total value added of the BEA summary table
of that year to the 2017 detail table's (both shipped). Japan has no later table: 2015 yen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from ..assumptions import Assumptions
from ..conventions.commodities import STAGES
from ..errors import UnknownNameError
from . import enduse
from .dependent import DependentSystem, Use, build_system, price_channel, shortfall_loss
from .detail import detail_table
from .gdp import gdp_change
from .tables import IOTable, bea_table

__all__ = ["COUNTRIES", "ShortfallImpact", "bridged_markets", "gdp_usd", "market_gdp",
           "shortfall_gdp", "summary_priced", "table_usd"]

COUNTRIES = ("USA", "JPN")
Market = tuple[str, str]


@cache
def _keys() -> frozenset[tuple[str, str, str]]:
    t = enduse.end_use_table()
    return frozenset(zip(t["country"], t["commodity"], t["stage"], strict=True))


def bridged_markets(country: str, markets: Sequence[Market]) -> list[Market]:
    """The ``markets`` that the detailed end-use bridge covers for ``country``."""
    keys = _keys()
    return [(c, s) for c, s in markets if (country, c, s) in keys]


def summary_priced(country: str, commodity: str) -> bool:
    """Whether the summary first-use model prices ``commodity`` for ``country``: only when
    no stage of it is in the detailed bridge (LNG); a bridged commodity is priced at the
    stages its users buy."""
    return not bridged_markets(country, [(commodity, s) for s in STAGES])


def table_usd(country: str, a: Assumptions) -> float:
    """USD per unit of the detailed table's money, restated to ``ripple_detail_value_year``
    for the USA (ratio of total value added, BEA summary table of that year / 2017 detail)."""
    t = detail_table(country)
    if country == "JPN":
        return t.scale / float(a["ripple_jpy_per_usd"])
    year = int(a["ripple_detail_value_year"])
    if year == t.year:
        return t.scale
    later = bea_table(year)
    return t.scale * _total_va(later) / _total_va(t)


def _total_va(t: IOTable) -> float:
    return float(t.coefficients["value_added"] @ t.x)


def gdp_usd(country: str, a: Assumptions) -> float:
    """The country's GDP (total value added of the detailed table) in the USD of
    :func:`table_usd`: the denominator of ``gdp_change_pct``."""
    return _total_va(detail_table(country)) * table_usd(country, a)


@cache
def _system(country: str, markets: tuple[Market, ...], kappa: float) -> DependentSystem:
    """The expanded system of ``country`` with one mineral per market and delivery items
    of multiple ``kappa`` (``ripple_downstream_multiple``), cached."""
    t = detail_table(country)
    uses = {}
    for c, s in markets:
        rows = enduse.end_use(country, c, s)
        total = float(rows["share"].sum())  # 1 to the bridge's rounding (enduse.SHARE_TOL)
        uses[f"{c}/{s}"] = [Use(t.index(code), float(r.share) / total, float(r.dependent_share))
                            for code, r in rows.iterrows()]
    return build_system(t.A, t.coefficients["value_added"], t.f0, uses,
                        downstream_multiple=kappa)


@cache
def _use_rows(country: str, commodity: str, stage: str) -> tuple[np.ndarray, np.ndarray]:
    """Positions in the detailed table and shares of the market's end-use rows (cached: a
    sweep prices the same market for every scenario on it)."""
    rows = enduse.end_use(country, commodity, stage)
    table = detail_table(country)
    return (np.array([table.index(code) for code in rows.index], dtype=np.int64),
            rows["share"].to_numpy(dtype=float))


@cache
def _use_value(country: str, commodity: str, stage: str) -> float | None:
    """Baseline value of the country's use (USD/yr): consumption × price; None if missing."""
    try:
        q = float(enduse.consumption(country, commodity, stage)["quantity"])
        return q * enduse.price(commodity, stage)
    except UnknownNameError:
        return None


@dataclass
class ShortfallImpact:
    """GDP change of the shortfalls of one stress run in one country (negative = loss)."""

    country: str
    markets: list[Market]
    #: GDP change per draw, USD, all channels
    total_usd: np.ndarray
    #: per channel, per draw, USD (negative = loss): quantity, price_cost, producer_gain
    channels: dict[str, np.ndarray]
    #: mean GDP change per detailed industry (quantity + users' price cost), USD
    by_industry_usd: pd.Series
    #: mean output change per detailed industry, USD
    output_by_industry_usd: pd.Series
    gdp_usd: float
    #: "knapsack" or "lp" per market
    methods: dict[str, str]
    table: str
    notes: list[str] = field(default_factory=list)

    def top_industries(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` detailed industries with the largest mean value-added loss, with names."""
        s = self.by_industry_usd.sort_values().head(n)
        s = s[s < 0]
        names = detail_table(self.country).name_columns(list(s.index))
        return pd.DataFrame({"industry": s.index, **names, "gdp_change_usd": s.to_numpy()})


def shortfall_gdp(
    country: str,
    sigma: Mapping[Market, np.ndarray],
    price: Mapping[Market, np.ndarray],
    domestic_share: Mapping[Market, float] | None = None,
    assumptions: Assumptions | None = None,
    *,
    years: float = 1.0,
) -> ShortfallImpact | None:
    """GDP change (USD, negative = loss) of shortfall shares ``sigma`` (market -> per-draw
    horizon shortfall share 0..1) at horizon-average price multipliers ``price`` in
    ``country``; ``domestic_share`` is production / demand per market (0 when absent).

    Markets outside the detailed bridge are ignored (the caller reports them); None when the
    country has no detailed table or no market is bridged.
    """
    country = country.upper()
    a = assumptions or Assumptions()
    markets = bridged_markets(country, list(sigma)) if country in COUNTRIES else []
    if not markets:
        return None
    system = _system(country, tuple(markets), float(a["ripple_downstream_multiple"]))
    table = detail_table(country)
    to_usd = table_usd(country, a) * years
    draws = max(len(np.atleast_1d(sigma[m])) for m in markets)
    sig = {f"{c}/{s}": np.broadcast_to(np.clip(np.asarray(sigma[(c, s)], dtype=float), 0, 1),
                                       (draws,)) for c, s in markets}
    out = shortfall_loss(system, sig, step=float(a["ripple_lp_step"]),
                         max_points=int(a["ripple_lp_max_points"]))
    quantity = -out.loss * to_usd
    va, dx = system.by_industry(out.mean_cut)
    by_va = -va * to_usd
    cost_total, gain_total = np.zeros(draws), np.zeros(draws)
    notes = list(table.notes)
    for c, s in markets:
        value = _use_value(country, c, s)
        if value is None:
            notes.append(f"{c}/{s}: no consumption value, price channel not computed")
            continue
        d = float((domestic_share or {}).get((c, s), 0.0))
        p = np.broadcast_to(np.asarray(price[(c, s)], dtype=float), (draws,))
        cost, gain = price_channel(p, sig[f"{c}/{s}"], value * years, d)
        cost_total += cost
        gain_total += gain
        at, shares = _use_rows(country, c, s)
        np.subtract.at(by_va, at, shares * float(cost.mean()))
    channels = {"quantity": quantity, "price_cost": -cost_total, "producer_gain": gain_total}
    if table.currency == "JPY":
        notes.append(f"converted at {a['ripple_jpy_per_usd']} JPY/USD (ripple_jpy_per_usd)")
    elif int(a["ripple_detail_value_year"]) != table.year:
        notes.append(f"2017 structure restated to {a['ripple_detail_value_year']} value added "
                     "(ripple_detail_value_year)")
    return ShortfallImpact(
        country=country, markets=markets,
        total_usd=quantity - cost_total + gain_total, channels=channels,
        by_industry_usd=table.series(by_va, "gdp_change_usd"),
        output_by_industry_usd=table.series(-dx * to_usd, "output_change_usd"),
        gdp_usd=gdp_usd(country, a), methods=out.methods,
        table=f"{table.source} {table.year} ({table.level} industries)", notes=notes,
    )


def market_gdp(
    country: str, market: Market, sigma: np.ndarray, price: np.ndarray, domestic_share: float,
    assumptions: Assumptions | None = None, *, years: float = 1.0,
) -> np.ndarray | None:
    """GDP change per draw (USD, negative = loss) of one market's shortfall: the detailed
    model where the bridge covers the market, else the summary first-use model of the
    commodity when no stage of it is bridged (LNG); None when neither prices it."""
    country = country.upper()
    if bridged_markets(country, [market]):
        impact = shortfall_gdp(country, {market: sigma}, {market: price},
                               {market: domestic_share}, assumptions, years=years)
        return None if impact is None else impact.total_usd
    if not summary_priced(country, market[0]):
        return None  # priced at the stage its users buy
    g = gdp_change(country, market[0], sigma, price, assumptions, years=years)
    return None if g is None else g.total_usd
