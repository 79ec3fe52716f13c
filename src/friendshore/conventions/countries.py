"""Country names to ISO 3166-1 alpha-3, and country groups read from ``data/groups.yaml``.

Source names go through a small alias table (``data/country_aliases.csv``: source quirks such
as USGS's ``Congo (Kinshasa)`` or WGI's ``ROM``) and then through ``country_converter``.
Aggregate rows (``World total``, ``Other countries``) are recognised by pattern and mapped to
the pseudo-codes in ``AGGREGATES``; any other unmapped name is an error, never dropped.
"""

from __future__ import annotations

import csv
import logging
import re
from functools import cache
from importlib import resources

import yaml

from ..errors import IngestError, UnknownNameError

__all__ = [
    "AGGREGATES",
    "country_name",
    "group_members",
    "groups",
    "is_aggregate",
    "to_iso3",
    "validate_iso3",
]

#: Pseudo-codes for aggregate rows; they never take part in shares or HHI.
AGGREGATES = {"WLD": "World total", "OTH": "Other countries"}

_AGGREGATE_PATTERNS = [
    (re.compile(r"^world\b", re.I), "WLD"),
    (re.compile(r"^(all\s+)?other(s)?\b|^rest of( the)? world", re.I), "OTH"),
]


def _data(name: str):
    return resources.files("friendshore") / "data" / name


@cache
def _aliases() -> dict[str, str]:
    with _data("country_aliases.csv").open(encoding="utf-8") as fh:
        return {row["name"].strip().casefold(): row["iso3"] for row in csv.DictReader(fh)}


@cache
def _converter():
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@cache
def _iso3_codes() -> frozenset[str]:
    return frozenset(str(c) for c in _converter().data["ISO3"])


@cache
def _lookup(clean: str) -> str | None:
    alias = _aliases().get(clean.casefold())
    if alias:
        return alias
    for pattern, code in _AGGREGATE_PATTERNS:
        if pattern.search(clean):
            return code
    if len(clean) == 3 and clean.upper() in _iso3_codes():
        return clean.upper()
    hit = _converter().convert(clean, to="ISO3", not_found=None)  # None: echoes the input
    if isinstance(hit, str) and hit in _iso3_codes():
        return hit
    return None


def to_iso3(
    name: str, *, file: str | None = None, row: int | None = None, field: str | None = None
) -> str:
    """Map a source's country name or code to ISO3 (or an aggregate pseudo-code).

    Raises :class:`IngestError` naming the file, row and field when the name is unknown.
    """
    clean = " ".join(str(name).replace("\u00a0", " ").split())
    code = _lookup(clean) if clean else None
    if code is None:
        raise IngestError(f"unmapped country name {name!r}", file=file, row=row, field=field)
    return code


def is_aggregate(code: str) -> bool:
    """True for the aggregate pseudo-codes (world total, other countries)."""
    return code in AGGREGATES


def country_name(code: str) -> str:
    """Short English name for an ISO3 code (or the aggregate's label)."""
    if code in AGGREGATES:
        return AGGREGATES[code]
    name = _converter().convert(code, src="ISO3", to="name_short", not_found=None)
    return name if isinstance(name, str) else code


def validate_iso3(code: str, *, where: str | None = None) -> str:
    """Return ``code`` upper-cased if it is a real ISO3 code, else raise with close matches."""
    up = str(code).strip().upper()
    if up not in _iso3_codes():
        raise UnknownNameError("country", code, sorted(_iso3_codes()), where=where)
    return up


@cache
def groups() -> dict[str, tuple[str, ...]]:
    """Every country group in ``data/groups.yaml`` (``allies``, ``G7``, ``MSP``, ``EU27`` …)."""
    raw = yaml.safe_load(_data("groups.yaml").read_text(encoding="utf-8"))
    return {name: tuple(spec["members"]) for name, spec in raw.items()}


def group_members(name: str, *, where: str | None = None) -> tuple[str, ...]:
    """Members of group ``name`` (case-insensitive), or an error listing close matches."""
    table = {k.casefold(): v for k, v in groups().items()}
    if name.casefold() not in table:
        raise UnknownNameError("group", name, groups(), where=where)
    return table[name.casefold()]
