"""UNCTADstat "Ships built by country of building" (US.ShipBuilding, GT, 2014-2019).

Individual economies (3-digit M49 codes) map to ISO3; every other row (World, World n.e.s.,
regions, income and political groups) is an aggregate, kept in ``ships_built`` with
``is_aggregate`` and never used in shares. GT completed per economy and year also goes to
``supply`` as commodity ``shipbuilding``, stage ``component``, measure ``production``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..conventions.countries import to_iso3
from ..errors import IngestError
from ._csv import ROW, numbers, package_file, read_table, reject_first

__all__ = ["KIND", "SOURCE", "load", "read", "shipped"]

KIND = "unctad-shipbuilding"
SOURCE = "unctad-shipbuilding-2020"
FILE = "unctad_US_ShipBuilding_ST202010131356_v1.csv"
_COLUMNS = ["Year", "Country", "Country Label", "Gross Tonnage",
            "Percentage of total all economies", "Gross Tonnage Footnote"]


def shipped() -> list[Path]:
    """The shipped UNCTADstat export (October 2020 vintage)."""
    return [package_file("shipbuilding", FILE)]


def read(path: str | Path) -> dict[str, pd.DataFrame]:
    """Validated ``ships_built`` rows and ``supply`` rows for shipbuilding."""
    name = Path(path).name
    raw = read_table(path, _COLUMNS)
    years = numbers(raw, "Year", name, lower=0)
    reject_first(years.isna(), raw, "Year", "missing year", name)
    gt = numbers(raw, "Gross Tonnage", name, lower=0)
    pct = numbers(raw, "Percentage of total all economies", name, lower=0)
    codes = raw["Country"].astype(str).str.strip()
    is_agg = codes.str.len() != 3
    countries = [
        None if agg else to_iso3(label, file=name, row=i + 2, field="Country Label")
        for i, (agg, label) in enumerate(zip(is_agg, raw["Country Label"], strict=True))
    ]
    ships = pd.DataFrame({
        "year": years.astype(int),
        "unctad_code": codes,
        "economy": raw["Country Label"].astype(str).str.strip(),
        "country": countries,
        "is_aggregate": is_agg,
        "gt": gt,
        "share_of_world_pct": pct,
        "unreliable": raw["Gross Tonnage Footnote"].fillna("").str.contains("nreliable"),
        "row_no": raw[ROW],
    })
    dup = ships[~ships.is_aggregate].duplicated(["country", "year"])
    if dup.any():
        row = ships[~ships.is_aggregate][dup].iloc[0]
        raise IngestError(f"{row.country} appears twice in {row.year}", file=name,
                          row=int(row.row_no), field="Country Label")
    world = ships[ships.unctad_code == "0000"].assign(country="WLD")
    indiv = ships[~ships.is_aggregate]
    rows = pd.concat([indiv, world])
    supply = pd.DataFrame({
        "commodity": "shipbuilding",
        "stage": "component",
        "country": rows["country"],
        "is_aggregate": rows["is_aggregate"],
        "measure": "production",
        "year": rows["year"],
        "value": rows["gt"],
        "unit": "GT",
        "basis": "gross tonnage delivered",
        "series": "Ship building by country of built (UNCTAD series 2306)",
        "note": rows["unreliable"].map({True: "UNCTAD: unreliable - bad quality", False: None}),
        "row_no": rows["row_no"],
    })
    return {"ships_built": ships, "supply": supply}


def load(store, path: str | Path) -> int:
    """Read ``path`` and replace this source's rows in the store (caller holds a transaction)."""
    tables = read(path)
    years = tables["ships_built"]["year"]
    return store.replace_source(SOURCE, KIND, tables, edition="ST202010131356_v1",
                                path=str(path), years=(int(years.min()), int(years.max())))
