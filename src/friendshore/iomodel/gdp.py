"""GDP cost of a commodity shortfall, vectorised over Monte Carlo draws.

For draw k with shortfall share σ_k and price multiplier p_k of commodity c in a country, both
horizon averages (σ_k: shortfall over the horizon / demand over the horizon; p_k: mean over
the horizon's months of the monthly price multiplier, ``StressResult.price_multiplier_avg``):

1. **First use.** The commodity's value ``V`` (the country's own value from energy statistics
   where shipped, e.g. LNG; else US consumption from USGS MCS2025, and for Japan the US
   intensity per dollar of first-use output, scaled by Japan's first-use output) is split
   over first-use industries j by the bridge shares s_j: ``V_j = s_j V``. θ_j = V_j / z_Mj is
   the commodity's share of j's purchases (domestic and imported) from the mineral-materials
   industries M (mining, basic chemicals, nonmetallic mineral products, primary metals: the
   summary commodities in which mineral commodities are classified, plus the bridge rows'
   supplier, e.g. oil and gas extraction for LNG), capped at 1.
2. **Direct output cut** (inoperability of j, Santos & Haimes 2004):
   quantity channel ``σ_k (1 − substitutability) θ_j x_j`` (the missing input is essential in
   fixed proportion to j's mineral-material inputs, as in the Leontief production function)
   plus price channel ``pass_through · elasticity · (p_k − 1) V_j`` (the passed-through cost
   increase cuts real sales). Capped at x_j.
3. **Propagation.** Backward (Leontief): the cut industries buy less, ``(L − I) d``;
   forward (Ghosh): they deliver less to their customers, ``w (G' − I) d``. Total output loss
   ``Δx = d + (L − I) d + w (G' − I) d``, capped at x. Both use the LU factors of the table.
4. **Value added.** ``ΔVA = v̂ Δx + (1 − pass_through)(p_k − 1) V_j`` (the un-passed cost is a
   margin loss of the first-use industries). Reported negative (a loss), in USD.

5. **Horizon.** The IO flows are annual rates; the result is multiplied by ``years`` (the
   horizon in years) for both channels alike, so a horizon-average price p̄ costs
   ``(p̄ − 1) V · years = Σ_months (p_t − 1) V / 12``: a one-month price spike to p in a
   12-month horizon (p̄ = 1 + (p − 1)/12) costs 1/12 of a year-long one.

The price channel is priced on baseline consumption (a first-order, Laspeyres cost), so the
loss never falls as the shortfall grows or the price rises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..assumptions import Assumptions
from . import iomath
from .bridge import consumption_value, first_use, own_consumption_value
from .tables import IOTable, bea_table, mic_table

__all__ = ["COUNTRIES", "GdpImpact", "gdp_change", "usd_per_unit"]

#: Countries with a national IO table and a bridge; others get ``None``.
COUNTRIES = ("USA", "JPN")


@dataclass
class GdpImpact:
    """Value-added (GDP) change of one shortfall: per draw in total, mean per industry."""

    country: str
    commodity: str
    #: GDP change per draw, USD (negative = loss)
    total_usd: np.ndarray
    #: mean GDP change over draws per industry code, USD (negative = loss)
    by_industry_usd: pd.Series
    #: mean output change over draws per industry code, USD (negative = loss)
    output_by_industry_usd: pd.Series
    table: str
    notes: list[str] = field(default_factory=list)

    def top_industries(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` industries with the largest mean value-added loss."""
        s = self.by_industry_usd.sort_values().head(n)
        return pd.DataFrame({"industry": s.index, "name": [self._names.get(c, "") for c in s.index],
                             "gdp_change_usd": s.to_numpy()})

    @property
    def _names(self) -> dict[str, str]:
        t = _table(self.country)
        return dict(zip(t.labels, t.names, strict=True))


def usd_per_unit(table: IOTable, assumptions: Assumptions | None = None) -> float:
    """USD per unit of the table's money (1e6 for BEA; 1e9 / JPY-per-USD for MIC)."""
    if table.currency == "USD":
        return table.scale
    rate = float((assumptions or Assumptions())["ripple_jpy_per_usd"])
    return table.scale / rate


def _table(country: str, assumptions: Assumptions | None = None) -> IOTable:
    if country == "USA":
        return bea_table(int((assumptions or Assumptions())["ripple_us_year"]))
    return mic_table(185)


def _first_use_values(country: str, commodity: str, table: IOTable,
                      a: Assumptions) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Industry positions, commodity value V_j and θ_j, in table units; None if unavailable."""
    fu = first_use(country, commodity)
    own = own_consumption_value(country, commodity)
    value_usd = own if own is not None else consumption_value(commodity)
    if fu.unmapped or value_usd is None:
        return None
    rows = fu.rows
    idx = np.array([table.index(c) for c in rows["industry"]])
    shares = rows["share"].to_numpy(float) / rows["share"].sum()
    value = value_usd * shares / usd_per_unit(table, a)
    if own is None and country == "JPN":  # US intensity per unit of first-use output, scaled
        us = _table("USA", a)
        us_rows = first_use("USA", commodity).rows
        us_x = sum(us.x[us.index(c)] for c in us_rows["industry"]) * usd_per_unit(us, a)
        jp_x = table.x[idx].sum() * usd_per_unit(table, a)
        value = value * jp_x / us_x
    # the material-supplying industries, plus the bridge's own supplier (e.g. oil and gas)
    prefixes = (*(str(p) for p in a[f"ripple_material_suppliers_{country.lower()}"]),
                *(str(p) for p in rows["supplier"] if p))
    suppliers = [s for s in table.inputs_total.index if str(s).startswith(prefixes)]
    supply = table.inputs_total.loc[suppliers, list(rows["industry"])].sum().to_numpy(float)
    theta = np.minimum(np.divide(value, supply, out=np.ones_like(value), where=supply > 0), 1.0)
    return idx, value, theta


def _propagate(table: IOTable, d: np.ndarray, w_forward: float) -> np.ndarray:
    """Total output loss ``d + (L − I) d + w (G' − I) d`` for direct cuts ``d`` (n × k)."""
    backward = iomath.solve(table.lu_L, table.A @ d)           # (L − I) d
    forward = iomath.solve_T(table.lu_G, d) - d                # (G' − I) d
    return d + backward + w_forward * forward


def _value_added(table: IOTable, basis: np.ndarray, margin: np.ndarray, shocks: np.ndarray,
                 w_forward: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Value-added loss per draw, and mean VA and output loss per industry (table units).

    The direct cut is ``d = basis @ shocks`` (two channels). When no output cap can bind, the
    model is linear, so only the two basis vectors are propagated (two solves whatever the
    number of draws); otherwise every draw's cut is capped and propagated (one batched solve).
    """
    x, v = table.x, table.coefficients["value_added"]
    lo, hi = shocks.min(axis=1), shocks.max(axis=1)
    if np.all(basis @ hi <= x):
        dxb = _propagate(table, basis, w_forward)
        bound = np.maximum(dxb * lo, dxb * hi).sum(axis=1)
        if np.all(bound <= x):
            vab = v[:, None] * dxb
            vab[:, 1] += margin
            mean = shocks.mean(axis=1)
            return vab.sum(axis=0) @ shocks, vab @ mean, dxb @ mean
    d = np.minimum(basis @ shocks, x[:, None])
    dx = np.minimum(_propagate(table, d, w_forward), x[:, None])
    dva = v[:, None] * dx + margin[:, None] * shocks[1]
    return dva.sum(axis=0), dva.mean(axis=1), dx.mean(axis=1)


def gdp_change(
    country: str,
    commodity: str,
    shortfall_share: np.ndarray,
    price_multiplier: np.ndarray,
    assumptions: Assumptions | None = None,
    *,
    years: float = 1.0,
) -> GdpImpact | None:
    """GDP change (USD, negative = loss) of a shortfall of ``commodity`` in ``country``.

    ``shortfall_share`` (share of demand not delivered, 0–1) and ``price_multiplier`` (post /
    pre price) are arrays over draws of equal length, both averages over ``years`` (the
    stress horizon; the IO flows are annual and both channels are scaled by ``years``). Pass
    the horizon-average price (``price_multiplier_avg``), not the peak: the peak held for the
    whole horizon overstates the price channel. Returns ``None`` for countries without a table (only
    USA and JPN have one), for commodities flagged unmapped, and for commodities with no US
    consumption value.
    """
    country = country.upper()
    if country not in COUNTRIES:
        return None
    a = assumptions or Assumptions()
    table = _table(country, a)
    found = _first_use_values(country, commodity, table, a)
    if found is None:
        return None
    idx, value, theta = found
    sigma = np.clip(np.atleast_1d(np.asarray(shortfall_share, dtype=float)), 0.0, 1.0)
    price = np.maximum(np.atleast_1d(np.asarray(price_multiplier, dtype=float)), 1.0)
    sigma, price = np.broadcast_arrays(sigma, price)
    sub = float(a["ripple_substitutability"])
    pass_through = float(a["ripple_price_pass_through"])
    elasticity = float(a["ripple_demand_elasticity"])
    w_forward = float(a["ripple_forward_weight"])

    x = table.x
    # the direct cut is d = q σ' + r (p − 1)': two basis vectors, one column per channel
    basis = np.zeros((table.n, 2))
    np.add.at(basis[:, 0], idx, (1.0 - sub) * theta * x[idx])
    np.add.at(basis[:, 1], idx, pass_through * elasticity * value)
    margin = np.zeros(table.n)
    np.add.at(margin, idx, (1.0 - pass_through) * value)
    shocks = np.vstack([sigma, price - 1.0])                   # (2, draws)
    total, va_mean, dx_mean = _value_added(table, basis, margin, shocks, w_forward)
    scale = usd_per_unit(table, a) * years
    notes = list(table.notes)
    if country == "JPN" and own_consumption_value(country, commodity) is None:
        notes.append("Japan's commodity value borrows the US intensity per unit of first-use "
                     "output (estimate)")
    return GdpImpact(
        country=country, commodity=commodity, total_usd=-total * scale,
        by_industry_usd=table.series(-va_mean * scale, "gdp_change_usd"),
        output_by_industry_usd=table.series(-dx_mean * scale, "output_change_usd"),
        table=f"{table.source} {table.year} ({table.level} industries)", notes=notes,
    )

