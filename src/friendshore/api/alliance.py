"""Python API of the alliance layer: shipbuilding shares, LNG supply security, defense burden."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..alliance import defense as _defense
from ..alliance import ships as _ships
from ..assumptions import Assumptions
from ..conventions.countries import group_members, validate_iso3
from ..errors import ScenarioError, UnknownNameError
from ..store import Store
from ..store import queries_alliance as q
from ._base import get_store

__all__ = ["defense", "defense_targets", "ships"]


def ships(year: int | None = None, *, store: Store | None = None) -> dict[str, Any]:
    """Shipbuilding shares of world GT delivered, China's and the allies' share, data age.

    Returns ``table`` (``country, year, gt, share``, share a fraction of UNCTAD's World GT),
    ``china_share`` and ``allied_share`` (per year, allies = group ``shipbuilding_allies``),
    ``latest_year`` and ``data_age`` (a sentence: the data end in 2019).
    """
    s = get_store(store)
    table = _ships.shares(q.ships_built(s), q.ships_world(s), year)
    all_years = _ships.shares(q.ships_built(s), q.ships_world(s))
    picked = all_years if year is None else all_years[all_years["year"] == int(year)]
    return {
        "table": table,
        "china_share": _ships.bloc_share(picked, ["CHN"]),
        "allied_share": _ships.bloc_share(picked, group_members("shipbuilding_allies")),
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
    required_growth`` plus ``target_name, target_year, trajectory`` (ten-year shares).
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
    return _defense.assess(milex, codes, applicable, growth)
