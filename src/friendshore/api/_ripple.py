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
from ..iomodel import enduse, iomath, shortfall
from ..iomodel.bridge import (
    bridge_table,
    consumption_value,
    first_use,
    own_consumption_value,
)
from ..iomodel.gdp import COUNTRIES, GdpImpact, gdp_change, usd_per_unit
from ..iomodel.gdp import _table as gdp_table
from ..iomodel.tables import TABLES, IOTable, get_table
from ..results import Result, summarise

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
) -> Result:
    """Output, value added, imports and jobs induced by spending ``amount_usd`` in ``country``.

    ``phase="operation"``: the amount is final demand for the domestic output of ``industry``
    (a code of the table, e.g. BEA '3364OT', MIC '3541'). ``phase="construction"``: the amount
    is spent on the construction industries (BEA 23; MIC 41xx weighted by their gross fixed
    capital formation), as when a plant or yard is built; ``industry`` names the project's
    industry and must exist. Totals include the initial spending (Type I: direct + indirect).
    ``to_frame()`` gives the effects by industry (US$), largest output first.
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
    return Result({
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
    }, title=f"{t.country} {industry} {phase}, US${float(amount_usd):,.0f} "
             f"({t.source} {t.year})", frame=_by_industry)


def _by_industry(out: Mapping[str, Any]) -> pd.DataFrame:
    """The tidy view of :func:`ripple`: its effects by industry."""
    return out["by_industry"]


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

    Every market of the run that the detailed end-use bridge covers for the country is priced
    jointly by the dependent-output model on the detailed table
    (:func:`~friendshore.iomodel.shortfall.shortfall_gdp`: quantity channel, users' price cost,
    domestic producers' gain); a reported commodity with no detailed rows at any stage (LNG,
    for instance) falls back to the summary first-use model (:func:`gdp_change`).

    ``gdp_change_usd`` and ``gdp_change_pct`` (of the country's GDP): mean/p5/p50/p95/cvar95
    over draws of the value-added change over the scenario horizon (negative = loss; cvar95
    is the mean of the worst 5 %); ``top_industries``: the ``top`` industries with the largest
    mean loss, each with the ``table`` its code belongs to; ``gdp_channels_usd``: the mean of
    each channel; ``gdp_method``: per priced market, the method;
    ``gdp_whole_industry_share``: per priced market with any, the share of its use on bridge
    rows that treat a whole industry as dependent (the figure is then an upper bound);
    ``gdp_not_modelled``:
    reported commodities without any GDP model. GDP fields are ``None`` for countries
    without an IO model.
    """
    known = all_assumptions()
    a = Assumptions({k: v for k, v in result.scenario.assumptions.items() if k in known})
    commodities = list(dict.fromkeys(result.markets[m][0] for m in result.reported))
    empty = {"gdp_change_usd": None, "gdp_change_pct": None, "top_industries": None,
             "gdp_channels_usd": None, "gdp_method": None, "gdp_whole_industry_share": None,
             "gdp_not_modelled": commodities}
    if country not in COUNTRIES:
        return empty
    years = result.scenario.horizon_months / 12.0
    c = result.countries.index(country)
    markets = list(result.markets)
    detailed = shortfall.bridged_markets(country, markets)
    at = {m: i for i, m in enumerate(markets)}
    impact = shortfall.shortfall_gdp(
        country, {m: result.shortfall_share[:, at[m], c] for m in detailed},
        {m: result.price_multiplier_avg[:, at[m]] for m in detailed},
        result.domestic_share(country), a, years=years)
    summary, missing = [], []
    for commodity in (com for com in commodities if shortfall.summary_priced(country, com)):
        arrays = result.market_arrays(country, commodity)
        g = gdp_change(country, commodity, arrays["shortfall_share"],
                       arrays["price_multiplier_avg"], a, years=years)
        (summary if g is not None else missing).append(g if g is not None else commodity)
    if impact is None and not summary:
        return {**empty, "gdp_not_modelled": missing}
    total = np.zeros(result.draws)
    rows: list[dict[str, Any]] = []
    methods: dict[str, str] = {}
    flagged: dict[str, float] = {}
    channels = {"quantity": 0.0, "price_cost": 0.0, "producer_gain": 0.0}
    if impact is not None:
        total = total + impact.total_usd
        for _, r in impact.top_industries(top).iterrows():
            rows.append({**r.to_dict(), "table": impact.table})
        methods.update({m: f"dependent-output ({how})" for m, how in impact.methods.items()})
        for com, st in impact.markets:
            share = enduse.whole_industry_share(country, com, st)
            if share:
                flagged[f"{com}/{st}"] = share
        channels = {k: float(v.mean()) for k, v in impact.channels.items()}
    for g in summary:
        total = total + g.total_usd
        names = gdp_table(country, a).name_columns(list(g.by_industry_usd.index))
        for i, (code, loss) in enumerate(g.by_industry_usd.items()):
            rows.append({"industry": code, **{col: names[col][i] for col in names},
                         "gdp_change_usd": float(loss), "table": g.table})
        methods[f"{g.commodity}"] = "first-use (summary table)"
        channels["quantity"] += float(g.total_usd.mean())
    rows = sorted((r for r in rows if r["gdp_change_usd"] < 0),
                  key=lambda r: r["gdp_change_usd"])[:top]
    for r in rows:
        r["gdp_change_usd"] = float(r["gdp_change_usd"])
    return {
        "gdp_change_usd": summarise(total, "low"),
        "gdp_change_pct": summarise(total / shortfall.gdp_usd(country, a) * 100.0, "low"),
        "top_industries": rows,
        "gdp_channels_usd": channels,
        "gdp_method": methods,
        "gdp_whole_industry_share": flagged,
        "gdp_not_modelled": missing,
    }


def sweep_gdp(result: Any, country: str) -> dict[str, float] | None:
    """The ``gdp_change_usd`` summary of :func:`stress_gdp` alone (the sweep's GDP function)."""
    return stress_gdp(result, country, top=0)["gdp_change_usd"]

