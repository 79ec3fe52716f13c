"""Commodity slugs, stages, units and content bases, read from ``data/commodities.csv``.

One row per commodity: its slug (lower-case snake case, e.g. ``rare_earths``), display name,
the stages it has data for (``mine``, ``refine``, ``component``), its main stage (the default
of ``supply``), its unit after conversion (``t`` for every mass) and content basis, the
USGS MCS labels it comes from (``Gemanium`` included), extra aliases, its HS6 codes with the
stage each code belongs to (``850511:component``), and its IEA mineral name.

``validate_commodity`` accepts a slug, a display name, a USGS label or an alias, in any case
and with stray whitespace, and raises :class:`UnknownNameError` with close matches otherwise.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..errors import UnknownNameError

__all__ = [
    "STAGES",
    "Commodity",
    "all_commodities",
    "by_hs6",
    "by_iea_mineral",
    "by_usgs_name",
    "commodity",
    "derived_series",
    "normalise_name",
    "validate_commodity",
    "validate_stage",
]

#: Supply-chain stages, upstream first.
STAGES = ("mine", "refine", "component")

#: Markets whose data are another commodity's series: rare-earth refining (separated magnet
#: rare earths) is the IEA magnet-REE refine series, basis magnet REE content.
_DERIVED_SERIES = {("rare_earths", "refine"): ("magnet_rare_earths", "refine")}


@dataclass(frozen=True)
class Commodity:
    """One commodity row of ``data/commodities.csv``."""

    slug: str
    name: str
    stages: tuple[str, ...]
    main_stage: str
    unit: str
    basis: str
    usgs_names: tuple[str, ...]
    aliases: tuple[str, ...]
    hs6: dict[str, str]  # HS6 code -> stage
    iea_mineral: str | None
    note: str


def normalise_name(name: str) -> str:
    """Case-folded name with NBSPs and runs of whitespace collapsed (for lookups)."""
    return " ".join(str(name).replace("\u00a0", " ").split()).casefold()


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


@cache
def all_commodities() -> dict[str, Commodity]:
    """Every commodity by slug, in file order."""
    path = resources.files("friendshore") / "data" / "commodities.csv"
    out: dict[str, Commodity] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            stages = _split(row["stages"])
            hs6 = dict(p.split(":") for p in _split(row["hs6"]))
            bad = [s for s in (*stages, row["main_stage"], *hs6.values()) if s not in STAGES]
            if bad or not re.fullmatch(r"[a-z][a-z0-9_]*", row["slug"]):
                raise ValueError(f"commodities.csv: bad row {row['slug']!r}: {bad}")
            out[row["slug"]] = Commodity(
                slug=row["slug"],
                name=row["name"],
                stages=stages,
                main_stage=row["main_stage"],
                unit=row["unit"],
                basis=row["basis"],
                usgs_names=_split(row["usgs_names"]),
                aliases=_split(row["aliases"]),
                hs6=hs6,
                iea_mineral=row["iea_mineral"] or None,
                note=row["note"],
            )
    return out


@cache
def _names() -> dict[str, str]:
    """Normalised slug / display name / alias -> slug (USGS labels shared by several
    commodities, such as ``Clays``, are left to the USGS series table)."""
    table: dict[str, str] = {}
    usgs_count: dict[str, int] = {}
    for c in all_commodities().values():
        for n in c.usgs_names:
            usgs_count[normalise_name(n)] = usgs_count.get(normalise_name(n), 0) + 1
    for c in all_commodities().values():
        unique_usgs = [n for n in c.usgs_names if usgs_count[normalise_name(n)] == 1]
        for n in (c.slug, c.slug.replace("_", " "), c.name, *unique_usgs, *c.aliases):
            table.setdefault(normalise_name(n), c.slug)
    return table


def validate_commodity(name: str, *, where: str | None = None) -> str:
    """The slug for ``name`` (slug, display name, USGS label or alias; any case), or an
    :class:`UnknownNameError` listing close matches."""
    slug = _names().get(normalise_name(name))
    if slug is None:
        raise UnknownNameError("commodity", name, all_commodities(), where=where)
    return slug


def commodity(name: str) -> Commodity:
    """The :class:`Commodity` for ``name`` (see ``validate_commodity``)."""
    return all_commodities()[validate_commodity(name)]


def validate_stage(stage: str, *, where: str | None = None) -> str:
    """``stage`` lower-cased if it is one of ``STAGES``, else an error with close matches."""
    clean = normalise_name(stage)
    if clean not in STAGES:
        raise UnknownNameError("stage", stage, STAGES, where=where)
    return clean


def derived_series() -> dict[tuple[str, str], tuple[str, str]]:
    """(commodity, stage) markets read from another (commodity, stage) series."""
    return dict(_DERIVED_SERIES)


@cache
def by_usgs_name() -> dict[str, tuple[str, ...]]:
    """Normalised USGS MCS commodity label -> the slugs it feeds."""
    out: dict[str, tuple[str, ...]] = {}
    for c in all_commodities().values():
        for n in c.usgs_names:
            out[normalise_name(n)] = (*out.get(normalise_name(n), ()), c.slug)
    return out


@cache
def by_iea_mineral() -> dict[str, str]:
    """Normalised IEA mineral name -> slug."""
    return {
        normalise_name(c.iea_mineral): c.slug
        for c in all_commodities().values()
        if c.iea_mineral
    }


@cache
def by_hs6() -> dict[str, list[tuple[str, str]]]:
    """HS6 code -> [(slug, stage), ...]; some codes (811292) cover several commodities."""
    out: dict[str, list[tuple[str, str]]] = {}
    for c in all_commodities().values():
        for code, stage in c.hs6.items():
            out.setdefault(code, []).append((c.slug, stage))
    return out
