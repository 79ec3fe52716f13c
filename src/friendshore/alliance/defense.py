"""Defense burden: latest military spending share of GDP, ten-year trajectory, gap to target,
and the annual real spending growth needed to close the gap.

Required growth. With share s0 in the base year y0 (latest SIPRI year), target share T by
year Y (n = Y - y0 years) and real GDP growth gamma (named assumption
``defense_real_gdp_growth``), real military spending must grow at g such that

    s0 * ((1 + g) / (1 + gamma)) ** n = T   =>   g = (T / s0) ** (1 / n) * (1 + gamma) - 1,

and g = 0 when s0 >= T (already at or above target). gap = T - s0 (negative: above target).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from ..conventions.countries import validate_iso3
from ..errors import ScenarioError, UnknownNameError

__all__ = ["Target", "assess", "gap_in_usd", "load_targets", "required_growth", "targets",
           "trajectory"]

TRAJECTORY_YEARS = 10


@dataclass(frozen=True)
class Target:
    """A share-of-GDP spending target, the year to meet it, and whom it applies to."""

    name: str
    label: str
    share_gdp: float
    year: int
    members: tuple[str, ...]
    source: str


def check_target(share_gdp: float, year: int, base_year: int, *, where: str) -> None:
    """Raise :class:`ScenarioError` for a target share outside (0, 1) or a year not ahead."""
    if not 0 < float(share_gdp) < 1:
        raise ScenarioError(
            f"target share {float(share_gdp):.2%} of GDP must lie between 0% and 100% "
            "(as a fraction: 0.035 for 3.5%)", path=where)
    if int(year) <= int(base_year):
        raise ScenarioError(
            f"target year {year} is not after the latest data year {base_year} "
            "(a target year in the past cannot be reached)", path=where)


def load_targets(raw: Mapping[str, Mapping[str, Any]], file: str = "") -> dict[str, Target]:
    """Targets from their YAML mapping, with members checked as ISO3."""
    out = {}
    for name, spec in raw.items():
        missing = {"label", "share_gdp", "year", "members", "source"} - set(spec)
        if missing:
            raise ScenarioError(f"lacks {sorted(missing)}", path=name, file=file)
        members = tuple(validate_iso3(c, where=f"{name}.members") for c in spec["members"])
        out[name] = Target(name, spec["label"], float(spec["share_gdp"]), int(spec["year"]),
                           members, " ".join(str(spec["source"]).split()))
    return out


@cache
def targets() -> dict[str, Target]:
    """The shipped targets in ``data/defense_targets.yaml``."""
    path = resources.files("friendshore") / "data" / "defense_targets.yaml"
    return load_targets(yaml.safe_load(path.read_text(encoding="utf-8")), "defense_targets.yaml")


def required_growth(share: float, target: float, years: int, gdp_growth: float) -> float:
    """Annual real spending growth g with share*((1+g)/(1+gdp_growth))**years = target; 0 above."""
    if years <= 0:
        raise ScenarioError(f"years to target must be positive, got {years}")
    if share <= 0:
        raise ScenarioError(f"current share must be positive, got {share}")
    if share >= target:
        return 0.0
    return (target / share) ** (1.0 / years) * (1.0 + gdp_growth) - 1.0


def trajectory(milex: pd.DataFrame, country: str, last_year: int) -> dict[int, float]:
    """Share of GDP per year over the ten years up to ``last_year`` (years with data only)."""
    rows = milex[(milex["country"] == country) & (milex["year"] > last_year - TRAJECTORY_YEARS - 1)
                 & (milex["year"] <= last_year)]
    return {int(y): float(v) for y, v in zip(rows["year"], rows["value"], strict=True)}


def assess(
    milex: pd.DataFrame,
    countries: Iterable[str],
    applicable: Mapping[str, list[Target]],
    gdp_growth: float,
) -> pd.DataFrame:
    """One row per (country, target): latest share, gap, required real growth, trajectory.

    ``milex`` holds SIPRI shares (``country, year, value``); ``applicable`` maps each
    country to its targets (an empty list gives one row with no target).
    """
    known = set(milex["country"])
    rows = []
    for code in countries:
        if code not in known:
            raise UnknownNameError("country with SIPRI data", code, sorted(known),
                                   where="defense")
        mine = milex[milex["country"] == code]
        last = mine.loc[mine["year"].idxmax()]
        year, share = int(last["year"]), float(last["value"])
        base = {"country": code, "year": year, "share_gdp": share,
                "trajectory": trajectory(milex, code, year)}
        for tgt in applicable.get(code, []) or [None]:
            if tgt is None:
                rows.append({**base, "target": None, "target_name": None, "target_year": None,
                             "gap": None, "required_growth": None})
                continue
            check_target(tgt.share_gdp, tgt.year, year, where=tgt.name)
            rows.append({
                **base, "target": tgt.share_gdp, "target_name": tgt.name,
                "target_year": tgt.year, "gap": tgt.share_gdp - share,
                "required_growth": required_growth(share, tgt.share_gdp, tgt.year - year,
                                                   gdp_growth),
            })
    cols = ["country", "year", "share_gdp", "target", "gap", "required_growth", "target_name",
            "target_year", "trajectory"]
    return pd.DataFrame(rows, columns=cols)


def gap_in_usd(rows: pd.DataFrame, gdp: pd.DataFrame) -> pd.DataFrame:
    """Add ``gdp_year``, ``gdp_usd`` (the country's latest World Bank GDP, 2023 in the shipped
    data) and ``gap_usd`` = gap x GDP: the extra annual spending the gap means at that GDP."""
    latest = gdp.sort_values("year").groupby("country").last()
    years = rows["country"].map(latest["year"])
    value = rows["country"].map(latest["value_usd"])
    gap = pd.to_numeric(rows["gap"], errors="coerce")
    return rows.assign(gdp_year=years.astype("Int64"), gdp_usd=value, gap_usd=gap * value)
