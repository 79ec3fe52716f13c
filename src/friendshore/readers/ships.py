"""UNCTAD ships built by country of building (GT): three shipped files, one reader per format.

* the UNCTADstat export US.ShipBuilding (Oct 2020 vintage, 2014-2019): individual economies
  (3-digit M49 codes) map to ISO3; every other row (World, World n.e.s., regions, income and
  political groups) is an aggregate, kept in ``ships_built`` with ``is_aggregate``;
* the 2020-2025 country file (UNCTADstat and UNCTAD's Review of Maritime Transport 2025,
  ``year, iso3, economy, gross_tonnage, basis, source``): ``WLD`` is the world row (stored with
  UNCTAD's World code ``0000``), ``EUR`` (Europe) and ``ROW`` (rest of world) are aggregates;
* the 2024 deliveries by ship type (RMT 2025 Table II.6, thousand GT) -> ``ships_segments``.

Aggregates never enter shares. GT completed per economy and year also goes to ``supply`` as
commodity ``shipbuilding``, stage ``component``, measure ``production`` (``WLD`` the world
row; RMT's Europe and rest-of-world rows summed into ``OTH``, as the supply contract says).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..conventions.countries import to_iso3, validate_iso3
from ..errors import IngestError, UnknownNameError
from ._csv import ROW, numbers, package_file, read_table, reject_first, require_columns

__all__ = ["KIND", "SOURCE", "load", "read", "shipped"]

KIND = "unctad-shipbuilding"
#: source key per file format (``ships_built`` and ``supply`` rows of one file share it)
SOURCE = "unctad-shipbuilding-2020"
SOURCE_RMT = "unctad-rmt-2025"
SOURCE_SEGMENTS = "unctad-rmt-2025-segments"
FILES = ("unctad_US_ShipBuilding_ST202010131356_v1.csv",
         "ships_built_by_country_gt_2020_2025.csv", "ships_built_by_segment_2024_kgt.csv")
_COLUMNS = ["Year", "Country", "Country Label", "Gross Tonnage",
            "Percentage of total all economies", "Gross Tonnage Footnote"]
_RMT_COLUMNS = ["year", "iso3", "economy", "gross_tonnage", "basis", "source"]
_SEGMENT_COLUMNS = ["year", "segment", "china_kgt", "korea_kgt", "japan_kgt", "world_kgt",
                    "source"]
#: aggregate codes of the 2020-2025 file -> ``unctad_code`` stored (World keeps UNCTAD's 0000)
_RMT_AGGREGATES = {"WLD": "0000", "EUR": "EUR", "ROW": "ROW"}
_BASES = {"reported", "transcribed", "derived"}
_SERIES = "Ship building by country of built (UNCTAD series 2306)"


def shipped() -> list[Path]:
    """The shipped files: UNCTADstat export (2014-2019), 2020-2025 by country, 2024 segments."""
    return [package_file("shipbuilding", f) for f in FILES]


def _supply(rows: pd.DataFrame, note: pd.Series) -> pd.DataFrame:
    """``supply`` rows (shipbuilding, component, production, GT) from ``ships_built`` rows."""
    return pd.DataFrame({
        "commodity": "shipbuilding",
        "stage": "component",
        "country": rows["country"],
        "is_aggregate": rows["is_aggregate"],
        "measure": "production",
        "year": rows["year"],
        "value": rows["gt"],
        "unit": "GT",
        "basis": "gross tonnage delivered",
        "series": _SERIES,
        "note": note,
        "row_no": rows["row_no"],
    })


def _no_twins(ships: pd.DataFrame, name: str, field: str) -> None:
    """An economy appears at most once per year."""
    indiv = ships[~ships.is_aggregate]
    dup = indiv.duplicated(["country", "year"])
    if dup.any():
        row = indiv[dup].iloc[0]
        raise IngestError(f"{row.country} appears twice in {row.year}", file=name,
                          row=int(row.row_no), field=field)


def _read_unctadstat(raw: pd.DataFrame, name: str) -> dict[str, pd.DataFrame]:
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
        "basis": "reported",
        "all_listed": True,
        "row_no": raw[ROW],
    })
    _no_twins(ships, name, "Country Label")
    rows = pd.concat([ships[~ships.is_aggregate],
                      ships[ships.unctad_code == "0000"].assign(country="WLD")])
    note = rows["unreliable"].map({True: "UNCTAD: unreliable - bad quality", False: None})
    return {"ships_built": ships, "supply": _supply(rows, note)}


def _read_rmt(raw: pd.DataFrame, name: str) -> dict[str, pd.DataFrame]:
    years = numbers(raw, "year", name, lower=0)
    reject_first(years.isna(), raw, "year", "missing year", name)
    gt = numbers(raw, "gross_tonnage", name, lower=0)
    reject_first(gt.isna(), raw, "gross_tonnage", "missing value", name)
    basis = raw["basis"].fillna("").str.strip()
    reject_first(~basis.isin(_BASES), raw, "basis",
                 "basis {value!r} is not reported, transcribed or derived", name)
    codes = raw["iso3"].fillna("").str.strip().str.upper()
    is_agg = codes.isin(list(_RMT_AGGREGATES))
    for i, (code, agg) in enumerate(zip(codes, is_agg, strict=True)):
        if not agg:
            try:
                validate_iso3(code)
            except UnknownNameError:
                raise IngestError(f"unknown ISO3 code {code!r}", file=name,
                                  row=int(raw[ROW].iloc[i]), field="iso3") from None
    world = pd.Series(gt.where(codes == "WLD").to_numpy(), index=years.to_numpy())
    world = world.dropna().groupby(level=0).first()
    ships = pd.DataFrame({
        "year": years.astype(int),
        "unctad_code": codes.map(_RMT_AGGREGATES).fillna(codes),
        "economy": raw["economy"].astype(str).str.strip(),
        "country": codes.where(~is_agg, None),
        "is_aggregate": is_agg,
        "gt": gt,
        "share_of_world_pct": 100 * gt / years.map(world),
        "unreliable": False,
        "basis": basis,
        "all_listed": False,
        "row_no": raw[ROW],
    })
    _no_twins(ships, name, "iso3")
    missing = sorted(set(ships.year) - set(world.index.astype(int)))
    if missing:
        row = ships[ships.year == missing[0]].iloc[0]
        raise IngestError(f"no WLD row for {missing[0]}", file=name, row=int(row.row_no),
                          field="iso3")
    indiv = ships[~ships.is_aggregate]
    rest = ships[ships.unctad_code.isin(["EUR", "ROW"])]
    rest = (rest.groupby("year", as_index=False).agg(gt=("gt", "sum"), row_no=("row_no", "min"))
            .assign(country="OTH", is_aggregate=True))
    wld = ships[ships.unctad_code == "0000"].assign(country="WLD")
    rows = pd.concat([indiv, rest, wld], ignore_index=True)
    note = rows["basis"].map(lambda b: None if b in ("reported", None) or pd.isna(b)
                             else f"UNCTAD figure, {b}")
    return {"ships_built": ships, "supply": _supply(rows, note)}


def _read_segments(raw: pd.DataFrame, name: str) -> dict[str, pd.DataFrame]:
    years = numbers(raw, "year", name, lower=0)
    reject_first(years.isna(), raw, "year", "missing year", name)
    out = []
    for col, country in (("china_kgt", "CHN"), ("korea_kgt", "KOR"), ("japan_kgt", "JPN"),
                         ("world_kgt", "WLD")):
        kgt = numbers(raw, col, name, lower=0)
        reject_first(kgt.isna(), raw, col, "missing value", name)
        out.append(pd.DataFrame({"year": years.astype(int),
                                 "segment": raw["segment"].str.strip(),
                                 "country": country, "gt": kgt * 1000.0,
                                 "row_no": raw[ROW]}))
    seg = pd.concat(out, ignore_index=True)
    wide = seg.pivot_table(index=["year", "segment"], columns="country", values="gt")
    over = wide[["CHN", "KOR", "JPN"]].sum(axis=1) > wide["WLD"] + 1e-6
    if over.any():
        year, segment = over[over].index[0]
        row = seg[(seg.year == year) & (seg.segment == segment)].iloc[0]
        raise IngestError(f"China + Korea + Japan exceed the world in {segment!r}",
                          file=name, row=int(row.row_no), field="world_kgt")
    return {"ships_segments": seg}


#: file format -> (columns that identify it, reader, store source key, edition)
_FORMATS = {
    "segments": (_SEGMENT_COLUMNS, _read_segments, SOURCE_SEGMENTS, "RMT 2025 Table II.6"),
    "rmt": (_RMT_COLUMNS, _read_rmt, SOURCE_RMT, "RMT 2025 and UNCTADstat, 2020-2025"),
    "unctadstat": (_COLUMNS, _read_unctadstat, SOURCE, "ST202010131356_v1"),
}


def _format(raw: pd.DataFrame, name: str) -> str:
    """Which format a header is: segments (has ``segment``), 2020-2025 (has ``iso3``), else the
    UNCTADstat export; a missing column of that format is an error naming it."""
    kind = ("segments" if "segment" in raw.columns
            else "rmt" if "iso3" in raw.columns else "unctadstat")
    require_columns(raw, _FORMATS[kind][0], name)
    return kind


def read(path: str | Path) -> dict[str, pd.DataFrame]:
    """Validated rows of one shipped file, by its header: ``ships_built`` and ``supply`` rows
    (UNCTADstat export or the 2020-2025 file), or ``ships_segments`` rows."""
    name = Path(path).name
    raw = read_table(path)
    return _FORMATS[_format(raw, name)][1](raw, name)


def load(store, path: str | Path) -> int:
    """Read ``path`` and replace its source's rows in the store (caller holds a transaction)."""
    name = Path(path).name
    raw = read_table(path)
    _, reader, source, edition = _FORMATS[_format(raw, name)]
    tables = reader(raw, name)
    years = next(iter(tables.values()))["year"]
    return store.replace_source(source, KIND, tables, edition=edition, path=str(path),
                                years=(int(years.min()), int(years.max())))
