"""LNG: Energy Institute Statistical Review 2024 (trade matrix 2023; exports and imports
2000-2023, bcm) and the Global Energy Monitor LNG terminal tracker (September 2025).

* the matrix goes to ``trade_flows`` (commodity ``lng``, stage ``refine``, unit ``bcm``): pure
  bilateral cells only; EI's "Other …" residual rows and columns become ``OTH`` (summed), so
  the cells add up to EI's world total (549.2 bcm in 2023);
* exports and imports go to ``lng_trade_totals``; exports per exporting country also go to
  ``supply`` as measure ``production`` ("Total LNG exports" as ``WLD``, residuals as ``OTH``);
* GEM capacity per country, facility type and status (Sep 2025) goes to ``lng_terminals``;
  liquefaction capacity in operation per country and year (2000-2023, rebuilt from the GEM
  units' start and stop years, see PROVENANCE.md) goes to ``supply`` as measure ``capacity``
  in bcm/yr, converted from Mtpa with the named assumption ``lng_bcm_per_mt``, so capacity
  and exports share their years (the stress network pairs 2023 capacity with 2023 exports).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..assumptions import Assumptions
from ..conventions.countries import to_iso3
from ..errors import IngestError
from ._csv import ROW, numbers, package_file, read_table, reject_first

__all__ = ["FILES", "KIND", "load", "read", "shipped"]

KIND = "lng"
#: shipped file -> source key
FILES = {
    "ei_sr2024_lng_trade_matrix_2023_long.csv": "ei-sr2024-lng",
    "ei_sr2024_lng_exports_bcm_2000_2023.csv": "ei-sr2024-lng-exports",
    "ei_sr2024_lng_imports_bcm_2000_2023.csv": "ei-sr2024-lng-imports",
    "gem_ggit_2025_09_lng_capacity_by_country_status.csv": "gem-ggit-lng-2025-09",
    "gem_ggit_2025_09_lng_export_capacity_by_country_year.csv": "gem-ggit-lng-2025-09-by-year",
}
GEM_YEAR = 2025  # September 2025 snapshot
_SUPPLY = {"commodity": "lng", "stage": "refine", "unit": "bcm", "basis": "natural gas"}


def shipped() -> list[Path]:
    """The EI matrix, EI exports and imports, and the GEM capacity summary."""
    return [package_file("energy", name) for name in FILES]


def _iso3(names: pd.Series, path: Path, field: str, rows: pd.Series) -> list[str]:
    return [to_iso3(n, file=path.name, row=int(r), field=field)
            for n, r in zip(names, rows, strict=True)]


def _truthy(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.lower().isin(["true", "1"])


def _read_matrix(path: Path) -> dict[str, pd.DataFrame]:
    raw = read_table(path, ["year", "exporter", "importer", "bcm", "exporter_is_aggregate",
                            "importer_is_aggregate"])
    raw = raw.assign(bcm=numbers(raw, "bcm", path.name, lower=0))
    cells = raw[~_truthy(raw["exporter_is_aggregate"]) & ~_truthy(raw["importer_is_aggregate"])]
    flows = pd.DataFrame({
        "year": numbers(cells, "year", path.name, lower=0).astype(int),
        "exporter": _iso3(cells["exporter"], path, "exporter", cells[ROW]),
        "importer": _iso3(cells["importer"], path, "importer", cells[ROW]),
        "quantity": cells["bcm"].fillna(0.0),
    })
    flows = flows.groupby(["year", "exporter", "importer"], as_index=False)["quantity"].sum()
    flows = flows[flows["quantity"] > 0].assign(
        commodity="lng", stage="refine", hs6=None, value_usd=None, unit="bcm")
    return {"trade_flows": flows}


def _read_totals(path: Path, flow: str) -> dict[str, pd.DataFrame]:
    value_col = f"lng_{flow}s_bcm"
    raw = read_table(path, ["country_or_region", "year", value_col])
    names = raw["country_or_region"].astype(str).str.strip()
    is_total = names.str.startswith("Total")
    rows = raw[ROW]
    country = [None if tot else to_iso3(n, file=path.name, row=int(r), field="country_or_region")
               for n, tot, r in zip(names, is_total, rows, strict=True)]
    totals = pd.DataFrame({
        "flow": flow, "name": names, "country": country, "is_aggregate": is_total,
        "year": numbers(raw, "year", path.name, lower=0).astype(int),
        "bcm": numbers(raw, value_col, path.name, lower=0),
        "row_no": rows,
    })
    tables = {"lng_trade_totals": totals}
    if flow == "export":
        world = totals[totals["name"] == "Total LNG exports"].assign(country="WLD")
        if world.empty:
            raise IngestError("no 'Total LNG exports' row", file=path.name,
                              field="country_or_region")
        indiv = totals[~totals["is_aggregate"]]
        per = indiv.groupby(["country", "year"], as_index=False)["bcm"].sum()
        rows_ = pd.concat([per, world[["country", "year", "bcm"]]])
        tables["supply"] = pd.DataFrame({
            **_SUPPLY, "country": rows_["country"],
            "is_aggregate": rows_["country"].isin(["WLD", "OTH"]), "measure": "production",
            "year": rows_["year"], "value": rows_["bcm"],
            "series": "EI Statistical Review 2024: LNG exports (gross, incl. re-exports)",
        })
    return tables


def _read_gem(path: Path) -> dict[str, pd.DataFrame]:
    raw = read_table(path, ["facility_type", "country", "status", "n_units",
                            "n_units_capacity_missing", "capacity_mtpa", "capacity_bcm_per_y"])
    reject_first(~raw["facility_type"].isin(["export", "import"]), raw, "facility_type",
                 "facility type {value!r} is not export/import", path.name)
    terminals = pd.DataFrame({
        "facility_type": raw["facility_type"],
        "country": _iso3(raw["country"], path, "country", raw[ROW]),
        "status": raw["status"].astype(str).str.strip().str.lower(),
        "n_units": numbers(raw, "n_units", path.name, lower=0).astype(int),
        "n_units_capacity_missing": numbers(raw, "n_units_capacity_missing", path.name,
                                            lower=0).astype(int),
        "capacity_mtpa": numbers(raw, "capacity_mtpa", path.name, lower=0),
        "capacity_bcm_per_y": numbers(raw, "capacity_bcm_per_y", path.name, lower=0),
        "row_no": raw[ROW],
    })
    return {"lng_terminals": terminals}


def _read_capacity_by_year(path: Path) -> dict[str, pd.DataFrame]:
    raw = read_table(path, ["country", "year", "n_units", "capacity_mtpa"])
    mtpa = numbers(raw, "capacity_mtpa", path.name, lower=0)
    ratio = float(Assumptions()["lng_bcm_per_mt"])
    supply = pd.DataFrame({
        **_SUPPLY, "country": _iso3(raw["country"], path, "country", raw[ROW]),
        "is_aggregate": False, "measure": "capacity",
        "year": numbers(raw, "year", path.name, lower=0).astype(int), "value": mtpa * ratio,
        "series": "GEM GGIT LNG Terminals Sep 2025: export units in operation in the year",
        "note": f"nameplate Mtpa x {ratio} bcm/Mt (assumption lng_bcm_per_mt)",
        "row_no": raw[ROW],
    })
    return {"supply": supply}


def read(path: str | Path) -> dict[str, pd.DataFrame]:
    """Validated store rows for one shipped LNG file (chosen by its file name)."""
    path = Path(path)
    if path.name.startswith("ei_sr2024_lng_trade_matrix"):
        return _read_matrix(path)
    if path.name.startswith("ei_sr2024_lng_exports"):
        return _read_totals(path, "export")
    if path.name.startswith("ei_sr2024_lng_imports"):
        return _read_totals(path, "import")
    if path.name.startswith("gem_ggit") and "by_country_year" in path.name:
        return _read_capacity_by_year(path)
    if path.name.startswith("gem_ggit"):
        return _read_gem(path)
    raise IngestError("not an EI LNG or GEM LNG terminal file", file=path.name)


def source_of(path: str | Path) -> str:
    """Source key of a shipped LNG file (unknown names fall back to the file stem)."""
    return FILES.get(Path(path).name, Path(path).stem)


def load(store, path: str | Path) -> int:
    """Read ``path`` and replace its source's rows in the store (caller holds a transaction)."""
    tables = read(path)
    years = pd.concat([t["year"] for t in tables.values() if "year" in t] or
                      [pd.Series([GEM_YEAR])])
    gem = Path(path).name.startswith("gem_ggit")
    return store.replace_source(
        source_of(path), KIND, tables, path=str(path),
        edition="GGIT LNG Terminals 2025-09" if gem else "EI Statistical Review 2024",
        years=(int(years.min()), int(years.max())),
    )
