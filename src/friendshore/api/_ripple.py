"""Python API of the ripple layer: IO multipliers, investment ripple and GDP cost of shortfalls.

    >>> import friendshore as fs
    >>> fs.multipliers("USA").loc["3364OT", "value_added"]          # doctest: +SKIP
    >>> fs.ripple("JPN", "3541", 1e9, phase="operation")["jobs"]     # None: no employment data

Money is in US dollars; Japanese results are converted at the named assumption
``ripple_jpy_per_usd`` (2015 average, overridable). Jobs are ``None`` everywhere: none of the
shipped tables carries employment (BEA summary and MIC basic tables have compensation only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..assumptions import Assumptions, all_assumptions
from ..errors import ScenarioError
from ..iomodel import iomath
from ..iomodel.bridge import (
    bridge_table,
    consumption_value,
    first_use,
    own_consumption_value,
)
from ..iomodel.gdp import COUNTRIES, GdpImpact, gdp_change, usd_per_unit
from ..iomodel.gdp import _table as gdp_table
from ..iomodel.tables import TABLES, IOTable, get_table
from ..results import summarise

__all__ = ["GdpImpact", "first_use_industries", "gdp_change", "io_tables", "multipliers",
           "ripple", "stress_gdp"]

PHASES = ("construction", "operation")


def _assumptions(assumptions: Assumptions | Mapping[str, Any] | None) -> Assumptions:
    return assumptions if isinstance(assumptions, Assumptions) else Assumptions(assumptions)


def _table(country: str, year: int | None, level: int | None, a: Assumptions) -> IOTable:
    key = country.upper()
    if key == "USA" and year is None:
        year = int(a["ripple_us_year"])
    if key == "JPN" and level is None:
        level = int(a["ripple_jpn_level"])
    return get_table(key, year=year, level=level)


def io_tables() -> pd.DataFrame:
    """The shipped IO tables: country, source, years or levels, default."""
    return pd.DataFrame([{"country": c, "source": s, "options": ", ".join(map(str, o)),
                          "default": d} for c, (s, o, d) in TABLES.items()])


def multipliers(country: str, year: int | None = None, level: int | None = None,
                assumptions: Assumptions | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Type I multipliers per unit of final demand, indexed by the source's industry codes.

    Columns: ``name`` (English), ``name_ja`` (MIC tables only: the official Japanese name),
    ``output`` (total output per unit), ``value_added``, ``imports``,
    ``compensation`` (per unit of final demand; unit-free, so valid in any currency) and
    ``jobs`` (always missing: no employment in the shipped tables).
    ``country``: 'USA' (BEA, ``year`` 2017/2022/2023), 'JPN' (MIC 2015, ``level`` 13/37/185)
    or 'WIOD' (2011 world table, 1,435 country-industries).
    """
    t = _table(country, year, level, _assumptions(assumptions))
    out = t.multipliers.copy()
    if "jobs" not in out:
        out["jobs"] = np.nan
    out.attrs.update(table=f"{t.source} {t.year}", level=t.level, currency=t.currency)
    return out


def ripple(
    country: str,
    industry: str,
    amount_usd: float,
    phase: str = "operation",
    *,
    year: int | None = None,
    level: int | None = None,
    assumptions: Assumptions | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Output, value added, imports and jobs induced by spending ``amount_usd`` in ``country``.

    ``phase="operation"``: the amount is final demand for the domestic output of ``industry``
    (a code of the table, e.g. BEA '3364OT', MIC '3541'). ``phase="construction"``: the amount
    is spent on the construction industries (BEA 23; MIC 41xx weighted by their gross fixed
    capital formation), as when a plant or yard is built; ``industry`` names the project's
    industry and must exist. Totals include the initial spending (Type I: direct + indirect).
    """
    if phase not in PHASES:
        raise ScenarioError(f"phase must be one of {PHASES}, got {phase!r}", path="phase")
    a = _assumptions(assumptions)
    t = _table(country, year, level, a)
    pos = t.index(industry)
    to_usd = usd_per_unit(t, a)
    amount = float(amount_usd) / to_usd
    spend = np.zeros(t.n)
    if phase == "operation":
        spend[pos] = amount
    else:
        for code, weight in t.construction.items():
            spend[t.index(code)] += amount * weight
    dx = iomath.solve(t.lu_L, spend)
    coef = t.coefficients
    by = pd.DataFrame({
        "industry": t.labels, **t.name_columns(t.labels),
        "output_usd": dx * to_usd,
        "value_added_usd": coef["value_added"] * dx * to_usd,
        "imports_usd": coef["imports"] * dx * to_usd,
        "compensation_usd": coef["compensation"] * dx * to_usd,
    })
    by = by[by["output_usd"].abs() > 0].sort_values("output_usd", ascending=False)
    jobs = None if t.jobs is None else float(coef["jobs"] @ dx)
    notes = list(t.notes) + ["jobs: no employment data in the shipped tables"]
    if t.currency == "JPY":
        notes.append(f"converted at {a['ripple_jpy_per_usd']} JPY/USD (ripple_jpy_per_usd)")
    return {
        "country": t.country, "industry": industry,
        **{f"industry_{k}": v[0] for k, v in t.name_columns([industry]).items()},
        "phase": phase, "amount_usd": float(amount_usd),
        "table": f"{t.source} {t.year} ({t.level} industries)",
        "output_usd": float(by["output_usd"].sum()),
        "value_added_usd": float(by["value_added_usd"].sum()),
        "imports_usd": float(by["imports_usd"].sum()),
        "compensation_usd": float(by["compensation_usd"].sum()),
        "jobs": jobs,
        "by_industry": by.reset_index(drop=True),
        "notes": notes,
    }


def first_use_industries(country: str, commodity: str | None = None) -> pd.DataFrame:
    """The commodity → first-use industry bridge of ``country`` (all commodities or one),
    with the consumption value used to size shocks (``value_usd``: the country's own value
    from energy statistics where shipped, else US consumption; None when unvalued)."""
    country = country.upper()
    if commodity is not None:
        first_use(country, commodity)  # unknown slugs raise with close matches
    df = bridge_table(country)
    df = df if commodity is None else df[df["commodity"] == commodity]

    def value(c: str) -> float | None:
        own = own_consumption_value(country, c)
        return own if own is not None else consumption_value(c)

    return df.assign(value_usd=[value(c) for c in df["commodity"]]).reset_index(drop=True)


def stress_gdp(result: Any, country: str, top: int = 5) -> dict[str, Any]:
    """GDP outputs of a stress run for one country, to merge into its summary.

    ``gdp_change_usd``: mean/p5/p50/p95/cvar95 over draws of the value-added change over the
    scenario horizon, summed over the reported commodities and priced on the horizon shortfall
    share and the horizon-average price multiplier (negative = loss; cvar95 is the mean of the
    worst 5 %, i.e. the lowest); ``top_industries``: the ``top`` industries with the
    largest mean loss; ``gdp_not_modelled``: reported commodities without a GDP model
    (unmapped or unvalued). Both GDP fields are ``None`` for countries without an IO model.
    """
    known = all_assumptions()
    a = Assumptions({k: v for k, v in result.scenario.assumptions.items() if k in known})
    commodities = list(dict.fromkeys(result.markets[m][0] for m in result.reported))
    empty = {"gdp_change_usd": None, "top_industries": None, "gdp_not_modelled": commodities}
    if country not in COUNTRIES:
        return empty
    years = result.scenario.horizon_months / 12.0
    impacts, missing = [], []
    for commodity in commodities:
        arrays = result.market_arrays(country, commodity)
        g = gdp_change(country, commodity, arrays["shortfall_share"],
                       arrays["price_multiplier_avg"], a, years=years)
        (impacts if g is not None else missing).append(g if g is not None else commodity)
    if not impacts:
        return {**empty, "gdp_not_modelled": missing}
    total = sum(g.total_usd for g in impacts)
    by = sum(g.by_industry_usd for g in impacts).sort_values().head(top)
    names = gdp_table(country, a).name_columns(list(by.index))
    return {
        "gdp_change_usd": summarise(total, "low"),
        "top_industries": [{"industry": code, **{col: names[col][i] for col in names},
                            "gdp_change_usd": float(loss)}
                           for i, (code, loss) in enumerate(by.items())],
        "gdp_not_modelled": missing,
    }
