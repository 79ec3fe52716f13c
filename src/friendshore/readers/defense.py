"""SIPRI Military Expenditure Database (1949-2024, April 2025) and World Bank GDP (current USD).

Each SIPRI file holds one measure (share of GDP as a fraction, million current USD, million
constant-2023 USD) in long form ``country, year, value``; blank values (SIPRI's ". ." and
"xxx") are dropped. SIPRI's "European Union" row is kept as aggregate ``EUU``. The World Bank
file (NY.GDP.MKTP.CD) keeps its aggregates (WLD, EUU, HIC ...) flagged ``is_aggregate``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..conventions.countries import to_iso3, validate_iso3
from ..errors import IngestError, UnknownNameError
from ._csv import ROW, numbers, package_file, read_table

__all__ = ["KIND", "MEASURES", "load", "read", "shipped"]

KIND = "sipri-milex"
EDITION = "SIPRI Milex 1949-2024 (Apr 2025)"
#: file stem part -> (measure, unit)
MEASURES = {
    "share_of_gdp": ("share_gdp", "fraction"),
    "current_usd": ("current_usd", "USD m"),
    "constant2023_usd": ("constant2023_usd", "USD m (2023)"),
}
GDP_FILE = "worldbank_gdp_current_usd_2000_2023.csv"
#: SIPRI rows that are groups, not countries.
_SIPRI_AGGREGATES = {"European Union": "EUU"}
#: World Bank codes that are real economies though not ISO 3166 codes.
_WB_ECONOMIES = {"XKX", "CHI"}


def shipped() -> list[Path]:
    """The three SIPRI files and the World Bank GDP file."""
    return [package_file("defense", f"sipri_milex_{m}_1949_2024.csv") for m in MEASURES] + [
        package_file("defense", GDP_FILE)
    ]


def _measure_of(path: Path) -> str | None:
    for stem in MEASURES:
        if path.name.startswith(f"sipri_milex_{stem}_"):
            return stem
    return None


def _read_sipri(path: Path, stem: str) -> pd.DataFrame:
    raw = read_table(path, ["country", "year", "value"])
    raw = raw.assign(row_no=raw[ROW], value=numbers(raw, "value", path.name, lower=0),
                     year=numbers(raw, "year", path.name, lower=0))
    raw = raw[raw["value"].notna()]
    names = raw["country"].astype(str).str.strip()
    countries = [
        _SIPRI_AGGREGATES.get(n) or to_iso3(n, file=path.name, row=int(r), field="country")
        for n, r in zip(names, raw["row_no"], strict=True)
    ]
    measure, unit = MEASURES[stem]
    out = pd.DataFrame({
        "country": countries,
        "is_aggregate": names.isin(list(_SIPRI_AGGREGATES)).to_numpy(),
        "year": raw["year"].astype(int).to_numpy(),
        "measure": measure,
        "value": raw["value"].to_numpy(),
        "unit": unit,
        "row_no": raw["row_no"].to_numpy(),
    })
    dup = out.duplicated(["country", "year"])
    if dup.any():
        row = out[dup].iloc[0]
        raise IngestError(f"{row.country} has two values for {row.year}", file=path.name,
                          row=int(row.row_no), field="country")
    return out


def _is_economy(code: str) -> bool:
    if code in _WB_ECONOMIES:
        return True
    try:
        validate_iso3(code)
    except UnknownNameError:
        return False
    return True


def _read_gdp(path: Path) -> pd.DataFrame:
    raw = read_table(path, ["Country Name", "Country Code", "Year", "Value"])
    codes = raw["Country Code"].astype(str).str.strip()
    economy = {c: _is_economy(c) for c in codes.unique()}
    return pd.DataFrame({
        "country": codes,
        "is_aggregate": ~codes.map(economy).astype(bool),
        "year": numbers(raw, "Year", path.name, lower=0).astype(int),
        "value_usd": numbers(raw, "Value", path.name, lower=0),
        "row_no": raw[ROW],
    })


def read(path: str | Path) -> dict[str, pd.DataFrame]:
    """``milex`` rows from a SIPRI file, or ``gdp`` rows from the World Bank file."""
    path = Path(path)
    stem = _measure_of(path)
    if stem is not None:
        return {"milex": _read_sipri(path, stem)}
    if path.name.startswith("worldbank_gdp"):
        return {"gdp": _read_gdp(path)}
    raise IngestError("not a SIPRI milex or World Bank GDP file", file=path.name)


def source_of(path: str | Path) -> str:
    """Source key of ``path``: one per SIPRI measure, one for World Bank GDP."""
    stem = _measure_of(Path(path))
    return f"sipri-milex-2025-{MEASURES[stem][0]}" if stem else "wb-gdp-current-usd"


def load(store, path: str | Path) -> int:
    """Read ``path`` and replace its source's rows in the store (caller holds a transaction)."""
    tables = read(path)
    frame = next(iter(tables.values()))
    years = (int(frame["year"].min()), int(frame["year"].max()))
    edition = EDITION if "milex" in tables else "WDI NY.GDP.MKTP.CD (datasets/gdp 822019c)"
    return store.replace_source(source_of(path), KIND if "milex" in tables else "wb-gdp",
                                tables, edition=edition, path=str(path), years=years)
