"""Reader for the IEA Critical Minerals Dataset supply table (May 2024 edition), into ``supply``.

Input: the long reshape of sheet "2 Total supply for key minerals" (columns ``mineral, stage,
row_label, year, value, unit, data_type``). Mining stages (``Mining``, ``Mining (natural)``)
become ``mine``; ``Refining``, ``Chemicals`` (lithium) and ``Battery grade`` (graphite)
become ``refine``. Values in kt become t. ``Rest of world`` is ``OTH`` and ``Total`` (cobalt
refining: ``Total clean technologies``) is ``WLD``, both aggregates; ``Top 3 share`` rows are
derived from the others and are not loaded. Observed 2023 rows have no scenario; projections
(``projection_base_case``) carry ``scenario = 'base_case'``. Source: ``iea-cm-<year>``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..conventions.commodities import all_commodities, by_iea_mineral, normalise_name
from ..conventions.countries import AGGREGATES, to_iso3
from ..errors import IngestError
from ._csv import (
    ROW,
    clean_text,
    numbers,
    package_file,
    read_strict,
    reject_first,
    require_columns,
)
from .usgs_mcs import SUPPLY_COLUMNS

__all__ = ["KIND", "load", "read", "shipped", "source_of"]

KIND = "iea"

STAGES = {
    "mining": "mine",
    "mining (natural)": "mine",
    "refining": "refine",
    "chemicals": "refine",
    "battery grade": "refine",
}
#: Row labels that are aggregates or derived figures (normalised) -> code, or None to skip.
ROW_LABELS = {
    "total": "WLD",
    "total clean technologies": "WLD",
    "rest of world": "OTH",
    "top 3 share": None,
}
UNITS = {"kt": 1e3, "t": 1.0}


def shipped() -> list[Path]:
    """The shipped May 2024 supply table."""
    return [package_file("iea", "iea_cm_may2024_total_supply_by_country_long.csv")]


def source_of(path: Path) -> str:
    """``iea-cm-2024`` from a file name holding the edition year."""
    m = re.search(r"(20\d\d)", path.name)
    if not m:
        raise IngestError("cannot tell the IEA edition year from the file name", file=str(path))
    return f"iea-cm-{m.group(1)}"


def _lookup(df: pd.DataFrame, col: str, table: dict, what: str, file: str) -> pd.Series:
    key = df[col].map(normalise_name)
    reject_first(~key.isin(table), df, col, f"unknown {what} {{value!r}}", file)
    return key.map(table)


def read(path: str | Path) -> dict[str, pd.DataFrame]:
    """``supply`` rows from the IEA supply-by-country CSV."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise IngestError("no such file", file=file)
    df = read_strict(path)
    require_columns(df, ["mineral", "stage", "row_label", "year", "value", "unit", "data_type"],
                    file)
    labels = df["row_label"].map(normalise_name)
    df = df[~labels.isin([k for k, v in ROW_LABELS.items() if v is None])].reset_index(drop=True)
    commodity = _lookup(df, "mineral", by_iea_mineral(), "IEA mineral", file)
    stage = _lookup(df, "stage", STAGES, "IEA stage", file)
    factor = _lookup(df, "unit", UNITS, "unit", file)
    year = numbers(df, "year", file)
    reject_first(year.isna(), df, "year", "missing year", file)
    value = numbers(df, "value", file, qualified=True)
    countries = {}
    for label, row in zip(df["row_label"], df[ROW], strict=True):
        key = normalise_name(label)
        if key not in countries:
            countries[key] = ROW_LABELS.get(key) or to_iso3(label, file=file, row=int(row),
                                                            field="row_label")
    country = df["row_label"].map(normalise_name).map(countries)
    dtype = df["data_type"].map(clean_text)
    scenario = dtype.str.replace(r"^projection_", "", regex=True).where(dtype != "observed")
    out = pd.DataFrame({
        "commodity": commodity,
        "stage": stage,
        "country": country,
        "is_aggregate": country.isin(list(AGGREGATES)),
        "measure": "production",
        "year": year.astype(int),
        "value": value * factor,
        "unit": "t",
        "basis": commodity.map({s: c.basis for s, c in all_commodities().items()}),
        "scenario": scenario.where(scenario.notna(), None),
        "estimated": False,
        "withheld": False,
        "lower_bound": False,
        "series": df["mineral"].map(clean_text) + " - " + df["stage"].map(clean_text),
        "note": None,
        "row_no": df[ROW],
    })
    dup = out.duplicated(["commodity", "stage", "country", "year", "scenario"], keep=False)
    reject_first(dup, df, "row_label",
                 "duplicate row for the same mineral, stage, country and year", file)
    return {"supply": out[SUPPLY_COLUMNS]}


def load(store, path: str | Path) -> int:
    """Read ``path`` and replace its edition's rows in ``store`` (caller holds a transaction)."""
    path = Path(path)
    tables = read(path)
    years = tables["supply"]["year"]
    observed = tables["supply"].loc[tables["supply"]["scenario"].isna(), "year"]
    return store.replace_source(
        source_of(path), KIND, tables, edition=f"IEA Critical Minerals Dataset {path.stem}",
        path=str(path), years=(int(observed.min() if len(observed) else years.min()),
                               int(years.max())),
    )
