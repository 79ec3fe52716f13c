"""Critical-material trade flows (CEPII BACI HS17 V202601, UN Comtrade 2024) into ``trade_flows``.

Three file layouts are recognised from their header:

* **BACI bilateral** (``exporter_iso3, importer_iso3, hs6, value_kusd, qty_t``): all 2024
  flows of 30 HS6 codes; value in thousand USD (×1000 here), quantity in t;
* **BACI top flows** (``material, exporter_iso2, importer_iso2, value_usd, qty_t``): 2018–2024,
  each country's top 6 partners only. Its 2024 rows duplicate the bilateral file and are not
  loaded; the materials sharing HS 811292 (gallium, germanium, hafnium) are loaded once;
* **Comtrade reported** (``reporter, partner, cmd, flow, value, netwgt``): M49 codes, value in
  USD, net weight in kg (÷1000 here). Only imports (``flow = M``) are loaded, so each flow is
  kept once, as its importer reported it; partner ``World`` (0) and the non-country partners
  (bunkers, free zones, 'nes' areas) are dropped, so partner sums never double-count.

HS6 codes map to commodity slug and stage through ``data/commodities.csv`` (``850511``
permanent magnets → ``rare_earths`` / ``component``). A code shared by several commodities
(811292: gallium, germanium …) gives one row per commodity: never add commodities together.
Codes with no commodity (270112 coking coal, 280470 phosphorus) are not loaded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from ..conventions.commodities import by_hs6
from ..conventions.countries import is_aggregate, to_iso3
from ..errors import IngestError
from ._csv import (
    numbers,
    package_file,
    read_table,
    reject_first,
    require_columns,
    require_values,
)

__all__ = ["KIND", "load", "magnet_import_shares", "read", "shipped", "shipped_comtrade"]

KIND = "baci"
FOLDER = "trade"
BACI_FILE = "baci_hs17_2024_critical_materials.csv.gz"
TOP_FILE = "baci_hs17_critical_materials_topflows_2018_2024.csv.gz"
COMTRADE_FILE = "comtrade_2024_reported_critical_materials.csv.gz"
CODES_FILE = "baci_country_codes_V202601.csv"
MAGNET_ORIGIN_FILE = "baci_hs17_850511_imports_JPN_USA_by_origin_2018_2024.csv"

_BACI = ("year", "exporter_iso3", "importer_iso3", "hs6", "value_kusd", "qty_t")
_TOP = ("year", "material", "exporter_iso2", "importer_iso2", "value_usd", "qty_t")
_COMTRADE = ("reporter", "partner", "cmd", "flow", "value", "netwgt")

#: Top-flow material labels -> HS6 (the mirror's labels; 811292 appears three times).
_MATERIAL_HS6 = {
    "antimony": "811010", "arsenic": "280480", "baryte": "251110", "bauxite": "260600",
    "beryllium": "811212", "boron": "252800", "cobalt": "282200", "cokingcoal": "270112",
    "copper": "740311", "feldspar": "252910", "fluorspar": "252922", "gallium": "811292",
    "germanium": "811292", "graphite": "250490", "hafnium": "811292", "helium": "280429",
    "lithium": "283691", "magnesium": "810411", "magnets": "850511", "manganese": "260200",
    "nickel": "750210", "niobium": "720293", "palladium": "711021", "phosphate": "251010",
    "phosphorus": "280470", "platinum": "711011", "silicon": "280469", "strontium": "283692",
    "tantalum": "810320", "titanium": "810820", "tungsten": "810194", "vanadium": "720292",
}
#: Duplicate labels of one HS6 group in the top-flows file: only the first is loaded.
_DUPLICATE_MATERIALS = {"germanium", "hafnium"}
#: Comtrade (M49-style) codes missing from the BACI code table.
_M49_EXTRA = {"10": "ATA", "234": "FRO", "336": "VAT", "581": "UMI"}
#: Comtrade partner codes that are not countries: dropped (World totals double-count).
_M49_NOT_COUNTRY = {
    "0": "World", "527": "Oceania, nes", "568": "Other Europe, nes",
    "636": "Rest of America, nes", "837": "Bunkers", "838": "Free zones",
    "839": "Special categories", "899": "Areas, nes",
}
_OUT = ["year", "commodity", "stage", "hs6", "exporter", "importer", "value_usd", "quantity",
        "unit"]


def shipped() -> list[Path]:
    """The shipped BACI files (bilateral 2024 and top flows 2018–2024)."""
    return [package_file(FOLDER, BACI_FILE), package_file(FOLDER, TOP_FILE)]


def shipped_comtrade() -> list[Path]:
    """The shipped Comtrade 2024 reported flows."""
    return [package_file(FOLDER, COMTRADE_FILE)]


@cache
def _baci_codes() -> dict[str, tuple[str, str]]:
    """BACI/Comtrade numeric code -> (ISO2, ISO3) from the shipped CEPII code table."""
    df = pd.read_csv(package_file(FOLDER, CODES_FILE), dtype=str, keep_default_na=False)
    return {
        c: (i2, i3)
        for c, i2, i3 in zip(df.country_code, df.country_iso2, df.country_iso3, strict=True)
    }


@cache
def _iso2_to_iso3() -> dict[str, str]:
    """ISO2 -> ISO3; the code table leaves Taiwan and Namibia blank, the top flows use TW, NA."""
    out = {i2: i3 for i2, i3 in _baci_codes().values() if i2}
    return out | {"TW": "TWN", "NA": "NAM"}


def _map_codes(codes: pd.Series, table: dict[str, str] | None, name: str, field: str) -> pd.Series:
    """Map source country codes to ISO3 (via ``table`` first), raising on the first unknown."""
    out: dict[str, str] = {}
    for idx, code in codes.drop_duplicates().items():
        row = int(idx) + 2  # index labels are positions in the file's data rows
        if table is not None and code not in table:
            raise IngestError(f"unknown country code {code!r}", file=name, row=row, field=field)
        iso = to_iso3(table[code] if table is not None else code, file=name, row=row,
                      field=field)
        if is_aggregate(iso):
            raise IngestError(f"aggregate {code!r}, not a country", file=name, row=row,
                              field=field)
        out[code] = iso
    return codes.map(out)


@cache
def magnet_import_shares(first: int, last: int, path: str | Path | None = None) -> pd.DataFrame:
    """Japan's and the US's magnet (HS 850511) imports by origin: the mean over the years
    ``first``..``last`` of each origin's yearly share of the importer's import value (an
    origin absent in a year counts 0 that year). Columns importer, exporter (ISO3), share;
    the shares of one importer sum to 1. Reads ``data/trade/`` + MAGNET_ORIGIN_FILE."""
    path = Path(path) if path else package_file(FOLDER, MAGNET_ORIGIN_FILE)
    cols = ("year", "importer_iso2", "exporter_iso2", "value_usd", "hs6")
    raw = read_table(path, cols)
    name = path.name
    require_values(raw, cols, name)
    reject_first(raw["hs6"].str.strip() != "850511", raw, "hs6", "not HS 850511: {value!r}",
                 name)
    iso2 = _iso2_to_iso3()
    df = pd.DataFrame({
        "year": numbers(raw, "year", name).astype(int),
        "importer": _map_codes(raw["importer_iso2"].str.strip(), iso2, name, "importer_iso2"),
        "exporter": _map_codes(raw["exporter_iso2"].str.strip(), iso2, name, "exporter_iso2"),
        "value": numbers(raw, "value_usd", name, lower=0.0),
    })
    df = df[df["year"].between(first, last)]
    if df.empty:
        raise IngestError(f"no rows for the years {first}-{last}", file=name, field="year")
    df["share"] = df["value"] / df.groupby(["year", "importer"])["value"].transform("sum")
    years = df.groupby("importer")["year"].nunique()
    out = df.groupby(["importer", "exporter"], as_index=False)["share"].sum()
    out["share"] /= out["importer"].map(years)
    return out


def _hs6(raw: pd.DataFrame, field: str, name: str) -> pd.Series:
    """Six-digit HS codes of ``raw[field]`` as text; anything else raises naming the row."""
    hs = raw[field].str.strip()
    reject_first(~hs.str.fullmatch(r"\d{6}"), raw, field, "not an HS6 code: {value!r}", name)
    return hs


def _with_commodities(flows: pd.DataFrame) -> pd.DataFrame:
    """One row per (flow, commodity) for the HS6 codes friendshore maps; others dropped."""
    pairs = [(code, slug, stage) for code, lst in by_hs6().items() for slug, stage in lst]
    table = pd.DataFrame(pairs, columns=["hs6", "commodity", "stage"])
    return flows.merge(table, on="hs6", how="inner")[_OUT]


def _baci(raw: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    name = Path(path).name
    require_values(raw, ("year", "exporter_iso3", "importer_iso3", "hs6", "value_kusd"), name)
    flows = pd.DataFrame(
        {
            "year": numbers(raw, "year", name, lower=1990, upper=2100).astype(int),
            "hs6": _hs6(raw, "hs6", name),
            "exporter": _map_codes(raw["exporter_iso3"].str.strip(), None, name,
                                   "exporter_iso3"),
            "importer": _map_codes(raw["importer_iso3"].str.strip(), None, name,
                                   "importer_iso3"),
            "value_usd": 1000.0 * numbers(raw, "value_kusd", name, lower=0),
            "quantity": numbers(raw, "qty_t", name, lower=0),
            "unit": "t",
        }
    )
    return _with_commodities(flows)


def _top(raw: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    name = Path(path).name
    require_values(raw, ("year", "material", "exporter_iso2", "importer_iso2", "value_usd"),
                   name)
    material = raw["material"].str.strip().str.lower()
    reject_first(~material.isin(list(_MATERIAL_HS6)), raw, "material",
                 "unknown material {value!r}", name)
    year = numbers(raw, "year", name, lower=1990, upper=2100).astype(int)
    iso2 = _iso2_to_iso3()
    flows = pd.DataFrame(
        {
            "year": year,
            "hs6": material.map(_MATERIAL_HS6),
            "exporter": _map_codes(raw["exporter_iso2"].str.strip(), iso2, name,
                                   "exporter_iso2"),
            "importer": _map_codes(raw["importer_iso2"].str.strip(), iso2, name,
                                   "importer_iso2"),
            "value_usd": numbers(raw, "value_usd", name, lower=0),
            "quantity": numbers(raw, "qty_t", name, lower=0),
            "unit": "t",
        }
    )
    keep = ~material.isin(list(_DUPLICATE_MATERIALS)) & year.lt(2024)
    return _with_commodities(flows[keep.to_numpy()])


def _comtrade(raw: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    name = Path(path).name
    require_values(raw, ("reporter", "partner", "cmd", "flow", "value"), name)
    flow = raw["flow"].str.strip().str.upper()
    reject_first(~flow.isin(["M", "X"]), raw, "flow", "flow must be M or X, not {value!r}", name)
    value = numbers(raw, "value", name, lower=0)
    kg = numbers(raw, "netwgt", name, lower=0)
    hs = _hs6(raw, "cmd", name)
    partner = raw["partner"].str.strip()
    keep = (flow.eq("M") & ~partner.isin(list(_M49_NOT_COUNTRY))).to_numpy()
    sub = raw[keep]
    table = {c: i3 for c, (_, i3) in _baci_codes().items()} | _M49_EXTRA
    table = {k: v for k, v in table.items() if k not in _M49_NOT_COUNTRY}
    flows = pd.DataFrame(
        {
            "year": 2024,
            "hs6": hs[keep],
            "exporter": _map_codes(sub["partner"].str.strip(), table, name, "partner"),
            "importer": _map_codes(sub["reporter"].str.strip(), table, name, "reporter"),
            "value_usd": value[keep],
            "quantity": kg[keep] / 1000.0,
            "unit": "t",
        }
    )
    flows = flows[flows["exporter"] != flows["importer"]]
    return _with_commodities(flows)


#: layout name -> (header columns, parser, source name in the store, edition)
_LAYOUTS = {
    "baci": (_BACI, _baci, "baci-hs17-2024", "BACI HS17 V202601, 2024"),
    "baci-top": (_TOP, _top, "baci-hs17-top-2018-2023",
                 "BACI HS17 V202601 top flows 2018-2023 (top 6 partners per country)"),
    "comtrade": (_COMTRADE, _comtrade, "comtrade-2024", "UN Comtrade 2024, reported imports"),
}


def _read(path: str | Path) -> tuple[str, dict[str, pd.DataFrame]]:
    """The layout key of ``path`` (from its header) and its validated ``trade_flows``."""
    name = Path(path).name
    raw = read_table(path)
    for key, (cols, parse, *_rest) in _LAYOUTS.items():
        if {cols[1], cols[2]} <= set(raw.columns):
            require_columns(raw, cols, name)
            if raw.empty:
                raise IngestError("no data rows", file=name, row=2)
            return key, {"trade_flows": parse(raw, path).reset_index(drop=True)}
    raise IngestError(
        "not a BACI or Comtrade trade file (no exporter/importer or reporter/partner columns)",
        file=name, row=1,
    )


def read(path: str | Path) -> dict[str, pd.DataFrame]:
    """Validated ``trade_flows`` rows from a BACI or Comtrade file (layout from the header)."""
    return _read(path)[1]


def load(store, path: str | Path) -> int:
    """Read ``path`` and replace its source's rows in the store (caller's transaction)."""
    key, tables = _read(path)
    _cols, _parse, source, edition = _LAYOUTS[key]
    years = tables["trade_flows"]["year"]
    span = (int(years.min()), int(years.max())) if len(years) else (None, None)
    kind = "comtrade" if key == "comtrade" else KIND
    return store.replace_source(source, kind, tables, edition=edition, path=str(path),
                                years=span)
