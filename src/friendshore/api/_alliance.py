"""Python API of the alliance layer: shipbuilding shares, LNG supply security, defense burden."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..alliance import defense as _defense
from ..alliance import lng as _lng
from ..alliance import ships as _ships
from ..assumptions import Assumptions
from ..conventions.countries import group_members, validate_iso3
from ..errors import ScenarioError, UnknownNameError
from ..store import Store
from ..store import queries_alliance as q
from ._base import get_store

__all__ = ["SHIPYARD_INDUSTRY", "defense", "defense_targets", "lng_security", "ships",
           "shipyard_ripple"]

#: IO industry that builds ships, per country with a shipped IO table (ripple layer).
SHIPYARD_INDUSTRY = {
    "JPN": ("3541", "MIC 2015 sector 3541, shipbuilding and repair"),
    "USA": ("3364OT", "BEA summary 3364OT, other transportation equipment: ships with aircraft, "
                      "rail and other vehicles (no finer shipbuilding row at summary level)"),
}


def ships(year: int | None = None, *, store: Store | None = None) -> dict[str, Any]:
    """Shipbuilding shares of world GT delivered, China's and the allies' share, data age.

    Returns ``table`` (``country, year, gt, share, basis``, share a fraction of UNCTAD's World
    GT; every year when ``year`` is None), ``china_share`` and ``allied_share`` (per year,
    allies = group ``shipbuilding_allies``; NaN where the year's data name none of them),
    ``series`` (per year: world GT, China, Korea, Japan, named economies, allied share,
    ``all_listed``), ``segments`` (shares by ship type, 2024), ``latest_year``, ``data_age``.
    """
    s = get_store(store)
    built, world = q.ships_built(s), q.ships_world(s)
    table = _ships.shares(built, world, year)
    all_years = _ships.shares(built, world)
    picked = all_years if year is None else all_years[all_years["year"] == int(year)]
    series = _ships.series(all_years, world, group_members("shipbuilding_allies"))
    allied = series.set_index("year")["allied_share"]
    return {
        "table": table,
        "china_share": _ships.bloc_share(picked, ["CHN"]),
        "allied_share": allied if year is None else allied.loc[[int(year)]],
        "series": series,
        "segments": _ships.segment_shares(q.ships_segments(s)),
        "latest_year": int(all_years["year"].max()),
        "data_age": _ships.data_age(all_years),
    }


def defense_targets() -> pd.DataFrame:
    """The shipped defense-spending targets (name, label, share, year, members, source)."""
    return pd.DataFrame([vars(t) for t in _defense.targets().values()])


def defense(
    countries: Iterable[str] | None = None,
    *,
    target: float | None = None,
    target_year: int | None = None,
    targets: Iterable[str] | None = None,
    assumptions: dict[str, Any] | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Military spending share of GDP (SIPRI), gap to target and required real growth.

    One row per country and applicable target: ``country, year, share_gdp, target, gap,
    required_growth`` plus ``target_name, target_year, trajectory`` (ten-year shares) and
    ``gap_usd`` (gap x World Bank GDP of ``gdp_year``, current USD: the extra annual spending
    at today's GDP).
    By default each country is checked against the shipped targets that name it
    (``data/defense_targets.yaml``); ``targets`` applies the named ones to every country, and
    ``target``/``target_year`` a custom one (a fraction, e.g. 0.035, and a year). Countries
    default to every target's members. Real GDP growth: assumption
    ``defense_real_gdp_growth``.
    """
    shipped = _defense.targets()
    chosen: list[_defense.Target] | None = None
    if targets is not None:
        chosen = []
        for name in targets:
            if name not in shipped:
                raise UnknownNameError("defense target", name, shipped, where="defense")
            chosen.append(shipped[name])
    if target is not None or target_year is not None:
        if target is None or target_year is None:
            raise ScenarioError("give both target and target_year", path="defense")
        custom = _defense.Target("custom", f"{target:.1%} of GDP by {target_year}",
                                 float(target), int(target_year), (), "user input")
        chosen = [*(chosen or []), custom]
    milex = q.milex(get_store(store))
    if countries is None:  # every target member that SIPRI covers (Iceland has no military)
        members = ({c for t in (chosen or []) for c in t.members}
                   or {c for t in shipped.values() for c in t.members})
        codes = sorted(members & set(milex["country"]))
    else:
        codes = [validate_iso3(c, where="defense") for c in countries]
    applicable = {
        c: chosen if chosen is not None else [t for t in shipped.values() if c in t.members]
        for c in codes
    }
    growth = float(Assumptions(assumptions)["defense_real_gdp_growth"])
    out = _defense.assess(milex, codes, applicable, growth)
    return _defense.gap_in_usd(out, q.gdp(get_store(store)))


def lng_security(
    importers: Iterable[str] | None = None,
    *,
    assumptions: dict[str, Any] | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """LNG supply security from the EI 2023 matrix and the GEM tracker (Sep 2025).

    Returns ``suppliers`` (importer, exporter, bcm, share of the importer's LNG imports),
    ``dependence`` (per importer: imports, top supplier, HHI, shares from Hormuz, Russia, US),
    ``exporters`` (LNG exports per country in the matrix year, share of world),
    ``capacity`` (liquefaction Mtpa and bcm/yr by status, per country and world; bcm via
    assumption ``lng_bcm_per_mt``), ``year`` and ``data_age``.
    """
    s = get_store(store)
    codes = None if importers is None else [validate_iso3(c, where="lng") for c in importers]
    matrix = q.lng_trade_matrix(s)
    year = int(matrix["year"].max())
    if codes is not None:
        missing = [c for c in codes if c not in set(matrix["importer"])]
        if missing:
            raise UnknownNameError("LNG importer", missing[0], sorted(set(matrix["importer"])),
                                   where="lng")
    shares = _lng.supplier_shares(matrix, codes)
    totals = q.lng_exports_imports(s)
    exp = totals[(totals["flow"] == "export") & (totals["year"] == year)]
    world = float(exp.loc[exp["name"] == "Total LNG exports", "bcm"].sum())
    per = exp[~exp["is_aggregate"]].groupby("country", as_index=False)["bcm"].sum()
    per = per.assign(share=per["bcm"] / world).sort_values("bcm", ascending=False)
    ratio = float(Assumptions(assumptions)["lng_bcm_per_mt"])
    return {
        "year": year,
        "suppliers": shares,
        "dependence": _lng.dependence(shares),
        "exporters": per.reset_index(drop=True),
        "world_exports_bcm": world,
        "capacity": _lng.capacity_by_status(q.lng_terminals(s, "export"), ratio),
        "data_age": (f"Energy Institute Statistical Review 2024: LNG trade {year} (bcm); "
                     "GEM LNG terminal tracker, September 2025 (nameplate capacity)."),
    }


def shipyard_ripple(
    country: str,
    amount_usd: float,
    phase: str = "construction",
    *,
    assumptions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Output and value added induced by shipyard spending in Japan or the US (ripple's IO tables).

    ``phase="construction"`` values building the yard, ``"operation"`` a year of ship output
    worth ``amount_usd``; industries: :data:`SHIPYARD_INDUSTRY` (MIC 3541, BEA 3364OT).
    """
    from ._ripple import ripple

    code = validate_iso3(country, where="shipyard_ripple")
    if code not in SHIPYARD_INDUSTRY:
        raise UnknownNameError("country with a shipbuilding IO sector", code, SHIPYARD_INDUSTRY,
                               where="shipyard_ripple")
    industry, label = SHIPYARD_INDUSTRY[code]
    out = ripple(code, industry, amount_usd, phase, assumptions=assumptions)
    out["notes"] = [*out.get("notes", []), f"shipbuilding sector: {label}"]
    return out
