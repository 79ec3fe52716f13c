"""Reader for the USGS Mineral Commodity Summaries data release (world, industry trends, salient).

``read(path)`` takes a release folder (``world/``, ``industry_trends/``, ``salient/``) or one
CSV of it; the kind of a single file is told from its header, so a newer release's world CSV
(``MCS2026_World_Data.csv``) loads on its own. Years come from the column names
(``PROD_2023``, ``PROD_EST_ 2024``, ``RESERVES_2024``), the edition from the ``SOURCE`` column
(``MCS2025`` -> source ``usgs-mcs-2025``) or else the file name.

World data -> ``supply``:

* ``(COMMODITY, TYPE)`` picks the slug, stage and measure through ``data/usgs_series.csv``
  (one series per commodity and stage; rows it marks unloaded are skipped; a pair it lacks is
  classified by keyword: mine production -> mine; refinery, smelter, primary, plant -> refine;
  capacity -> capacity). Rows of the same slug, stage, country and year are summed: the
  platinum + palladium rows of ``platinum_group_metals``, the two US helium rows.
* Countries go through :func:`~friendshore.conventions.countries.to_iso3`; a qualifier in
  parentheses (``Brazil (beneficiated)``) is kept in ``note``. ``World total …`` rows become
  ``WLD`` and ``Other countries …`` rows ``OTH`` (both ``is_aggregate``). A combined row such as
  ``United States and Canada`` is attributed to neither country: it is added to ``OTH``.
* Units are converted to metric tons (kg, thousand and million metric tons); carats and cubic
  meters keep their own unit. The one row without a unit takes its series' unit. Titanium
  mineral concentrates say 'metric tons' but hold thousand metric tons (usgs_series.csv
  ``unit_override``).
* ``W`` (withheld, given in the notes column) sets ``withheld`` with a NULL value; ``>N``
  sets ``lower_bound``; blank cells are dropped, except that a series with no value at all
  (germanium) keeps its listed producers with NULL production.

Plausibility (:mod:`.usgs_checks`, both formats): a negative quantity, a duplicate row, a unit
unlike its series' other rows and a country above the world total are errors naming file, row
and field; a header column other than the fixed ones and the year columns (``PROD_2O24``) and
a gap in the production years are errors too, so a misspelt year is never dropped silently.
Numbers are read as USGS prints them (``1,234``; ``7,5`` is an error, not 75), salient cells
included. A country above a world total by no more than its rounding, or above a world total
listed in ``data/usgs_known_defects.csv``, is a soft warning returned as ``ingest_warnings``.

Industry trends -> ``us_import_reliance`` (Fig2, plus T5 for critical minerals Fig2 lacks),
``us_salient`` (T5 and the per-commodity salient files, long format) and ``us_end_use`` (T4).
USGS labels map to slugs through ``data/usgs_names.csv``; labels it lacks are resolved by name
(see ``_slugs_for``).
"""

from __future__ import annotations

import csv
import itertools
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..conventions.commodities import (
    all_commodities,
    by_usgs_name,
    normalise_name,
    validate_commodity,
)
from ..conventions.countries import AGGREGATES, to_iso3
from ..errors import IngestError, UnknownNameError
from . import usgs_checks
from ._csv import (
    PRINTED,
    ROW,
    clean_text,
    package_file,
    parse_numbers,
    read_strict,
    reject_first,
    require_columns,
)

__all__ = ["KIND", "end_use_rows", "load", "read", "shipped", "source_of"]

KIND = "usgs-mcs"

#: USGS unit label -> (unit, multiply, divide): divide keeps kg -> t exact in binary floats.
UNITS: dict[str, tuple[str, float, float]] = {
    "metric tons": ("t", 1, 1),
    "metric dry tons": ("t", 1, 1),
    "thousand metric tons": ("t", 1e3, 1),
    "thousand metric dry tons": ("t", 1e3, 1),
    "million metric tons": ("t", 1e6, 1),
    "kilograms": ("t", 1, 1e3),
    "carats": ("carats", 1, 1),
    "thousand carats": ("carats", 1e3, 1),
    "thousands of carats": ("carats", 1e3, 1),
    "million carats": ("carats", 1e6, 1),
    "cubic meters": ("m3", 1, 1),
    "thousand cubic meters": ("m3", 1e3, 1),
    "million cubic meters": ("m3", 1e6, 1),
}

#: Salient-file column suffixes that are masses or counts convertible like UNITS.
SALIENT_UNITS: dict[str, tuple[str, float, float]] = {
    "t": ("t", 1, 1),
    "kt": ("t", 1e3, 1),
    "mmt": ("t", 1e6, 1),
    "kg": ("t", 1, 1e3),
    "g": ("t", 1, 1e6),
    "ct": ("carats", 1, 1),
    "mct": ("carats", 1e6, 1),
    "mcm": ("m3", 1e6, 1),
}
_SALIENT_OTHER = {
    "pct", "dt", "dkg", "dlb", "num", "mdol", "ctslb", "dg", "dto", "dst", "dtoz", "df",
    "index", "msqft",
}
_TEXT_OK = ("W", "NA", "XX", "--", "Large", "Small", "E")
_YEAR_COL = re.compile(r"^(?P<kind>PROD|CAP|RESERVES)_(?P<est>EST_)?\s*(?P<year>\d{4})$")
_NOTES = {"PROD": "PROD_NOTES", "CAP": "CAP_NOTES", "RESERVES": "RESERVE_NOTES"}
_FIXED_COLUMNS = {"SOURCE", "COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", *_NOTES.values()}
_MEASURE = {"PROD": "production", "CAP": "capacity", "RESERVES": "reserves"}
_WITHHELD = re.compile(r"^\s*W\b")
_QUALIFIER = re.compile(r"^(?P<name>.*?)\s*\((?P<q>[^()]*)\)\s*$")

SUPPLY_COLUMNS = [
    "commodity", "stage", "country", "is_aggregate", "measure", "year", "value", "unit",
    "basis", "scenario", "estimated", "withheld", "lower_bound", "series", "note", "row_no",
]


def shipped() -> list[Path]:
    """The shipped release folders, oldest first: MCS 2025 (kept for comparing years) and
    MCS 2026, the newest, which ``supply``, ``risk`` and the stress network default to."""
    return [package_file("usgs_mcs2025"), package_file("usgs_mcs2026")]


# -- mapping tables ---------------------------------------------------------------------------
@cache
def _series() -> pd.DataFrame:
    """``data/usgs_series.csv`` keyed by normalised (commodity, type); checked against slugs."""
    df = pd.read_csv(package_file("usgs_series.csv"), dtype=str, keep_default_na=False)
    df["c_key"] = df["usgs_commodity"].map(normalise_name)
    df["t_key"] = df["usgs_type"].map(normalise_name)
    known = all_commodities()
    for rec in df[df["slug"] != ""].itertuples():
        if rec.slug not in known or rec.stage not in known[rec.slug].stages:
            raise ValueError(f"usgs_series.csv: {rec.slug}/{rec.stage} not in commodities.csv")
    return df


@cache
def _names() -> dict[tuple[str, str], list[tuple[str, str | None]]]:
    """(table, normalised USGS label) -> [(slug or '', stage or None), ...]."""
    df = pd.read_csv(package_file("usgs_names.csv"), dtype=str, keep_default_na=False)
    out: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for rec in df.itertuples():
        key = (rec.table, normalise_name(rec.usgs_name))
        out.setdefault(key, []).append((rec.slug, rec.stage or None))
    return out


def _slugs_for(table: str, label: str, *, file: str, row: int, field: str):
    """Slugs (with stage) a USGS label of ``table`` stands for; [] when it has none.

    Labels missing from ``usgs_names.csv`` (a newer or older release) are resolved by name:
    the whole label, then the part before a comma or parenthesis ('GALLIUM, metal' ->
    gallium), at the commodity's main stage. A label that names no friendshore commodity
    (cesium, dimension stone) maps to none: its rows stay out of ``us_import_reliance``.
    """
    hits = _names().get((table, normalise_name(label)))
    if hits is None:
        hits = []
        for cand in (label, re.split(r"[,(]", label)[0]):
            try:
                hits = [(validate_commodity(cand, where=f"{file} row {row} {field}"), None)]
                break
            except UnknownNameError:
                continue
    return [(slug, stage or all_commodities()[slug].main_stage) for slug, stage in hits if slug]


# -- edition ----------------------------------------------------------------------------------
def source_of(edition: str) -> str:
    """``MCS2025`` -> ``usgs-mcs-2025``."""
    return f"usgs-mcs-{edition[3:]}"


def _edition(df: pd.DataFrame, column: str | None, path: Path) -> str:
    """The MCS edition (``MCS2025``) from a source column, else from the file name."""
    if column and column in df.columns:
        vals = {clean_text(v).upper() for v in df[column] if clean_text(v)}
        good = {v for v in vals if re.fullmatch(r"MCS\d{4}", v)}
        if len(good) == 1:
            return good.pop()
    m = re.search(r"mcs[_-]?(\d{4})", path.name, re.I)
    if m:
        return f"MCS{m.group(1)}"
    raise IngestError(f"cannot tell the MCS edition (column {column})", file=str(path), row=2)


# -- world data -------------------------------------------------------------------------------
def _classify(commodity: str, type_: str, *, file: str, row: int) -> list[dict]:
    """Series rows for a (COMMODITY, TYPE) pair missing from usgs_series.csv, by keyword."""
    slugs = by_usgs_name().get(normalise_name(commodity), ())
    t = type_.casefold()
    if "capacity" in t:
        measure, stage = "capacity", "refine" if "mine" not in t else "mine"
    elif re.search(r"\bmine\b", t):
        measure, stage = "production", "mine"
    elif re.search(r"refiner|smelter|primary|plant|refined", t):
        measure, stage = "production", "refine"
    else:
        raise IngestError(f"cannot tell the stage of TYPE {type_!r}", file=file, row=row,
                          field="TYPE")
    hits = [s for s in slugs if stage in all_commodities()[s].stages]
    if len(hits) != 1:
        raise IngestError(
            f"cannot map {commodity!r} / {type_!r} to one commodity (add it to "
            "data/usgs_series.csv)", file=file, row=row, field="COMMODITY",
        )
    return [{"slug": hits[0], "stage": stage, "measure": measure, "exclude_rows": "",
             "unit_override": ""}]


def _map_series(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """Join each world row to its series rows (slug, stage, measure); drop unloaded series."""
    df = df.assign(c_key=df["COMMODITY"].map(normalise_name), t_key=df["TYPE"].map(normalise_name))
    ser = _series()[["c_key", "t_key", "slug", "stage", "measure", "exclude_rows", "unit_override"]]
    known = set(zip(ser["c_key"], ser["t_key"], strict=True))
    missing = df[[k not in known for k in zip(df["c_key"], df["t_key"], strict=True)]]
    extra = []
    for (ck, tk), grp in missing.groupby(["c_key", "t_key"], sort=False):
        first = grp.iloc[0]
        for spec in _classify(first["COMMODITY"], first["TYPE"], file=file, row=int(first[ROW])):
            extra.append({"c_key": ck, "t_key": tk, **spec})
    if extra:
        ser = pd.concat([ser, pd.DataFrame(extra)], ignore_index=True)
    out = df.merge(ser, on=["c_key", "t_key"], how="inner")
    out = out[out["slug"] != ""]
    excluded = [
        normalise_name(country) in {normalise_name(x) for x in ex.split("|") if x}
        for country, ex in zip(out["COUNTRY"], out["exclude_rows"], strict=True)
    ]
    keep = ~np.asarray(excluded, dtype=bool)
    return out[keep].drop(columns=["c_key", "t_key", "exclude_rows"])


def _country_table(names: pd.Series, rows: pd.Series, file: str,
                   field: str = "COUNTRY") -> pd.DataFrame:
    """ISO3 code, aggregate flag and note for each distinct country label (column ``field``)."""
    out = []
    for name in names.unique():
        row = int(rows[names == name].iloc[0])
        out.append({"COUNTRY": name, **_country(name, file=file, row=row, field=field)})
    return pd.DataFrame(out, columns=["COUNTRY", "country", "country_note"])


def _country(name: str, *, file: str, row: int, field: str) -> dict:
    """Map one USGS country label (see the module docstring)."""
    parts = re.split(r"\s+and\s+", name)
    if len(parts) == 2:
        codes = []
        for p in parts:
            try:
                codes.append(to_iso3(p))
            except IngestError:
                codes.append(None)
        if None not in codes and codes[0] != codes[1] and not set(codes) & set(AGGREGATES):
            return {"country": "OTH", "country_note": f"combined row '{name}' (not attributed)"}
    m = _QUALIFIER.match(name)
    try:
        return {"country": to_iso3(name, file=file, row=row, field=field), "country_note": ""}
    except IngestError:
        if not m:
            raise
        return {
            "country": to_iso3(m["name"], file=file, row=row, field=field),
            "country_note": f"({m['q']})",
        }


def _units(df: pd.DataFrame, file: str, column: str = "UNIT_MEAS") -> pd.DataFrame:
    """Unit, multiplier, divisor, the unit label used and its scale (t per unit) per row, from
    ``column``; a blank unit takes its series' unit; a series' ``unit_override``
    (usgs_series.csv) replaces a unit USGS mislabelled."""
    unit = df[column].map(normalise_name)
    override = df["unit_override"].fillna("").map(normalise_name)
    unit = unit.where(override == "", override)
    blank = unit == ""
    if blank.any():
        fill = (
            unit[~blank].groupby([df["COMMODITY"], df["TYPE"]]).agg(lambda s: s.mode().iloc[0])
        )
        keys = list(zip(df.loc[blank, "COMMODITY"], df.loc[blank, "TYPE"], strict=True))
        unit.loc[blank] = [fill.get(k, "") for k in keys]
    reject_first(~unit.isin(UNITS), df, column, "unknown unit {value!r}", file)
    spec = unit.map(UNITS)
    mul, div = spec.str[1].astype(float), spec.str[2].astype(float)
    return pd.DataFrame(
        {"unit": spec.str[0], "mul": mul, "div": div, "unit_label": unit, "scale": mul / div},
        index=df.index,
    )


def read_world(path: Path) -> pd.DataFrame:
    """``supply`` rows from an MCS world-data CSV."""
    return _world_rows(read_strict(path), str(path))[0]


def _year_columns(columns: list[str], file: str) -> list[tuple[str, re.Match]]:
    """The year columns of a world CSV header with their parts; any other column than the
    fixed ones is an error (a misspelt ``PROD_2O24`` would silently drop that year), and so
    is a gap in the production years (``PROD_2022``, ``PROD_EST_ 2024``: no 2023)."""
    specs = []
    for col in columns:
        m = _YEAR_COL.match(col)
        if m:
            specs.append((col, m))
        elif col not in _FIXED_COLUMNS:
            raise IngestError("not a known column (year columns are written PROD_YYYY, "
                              "PROD_EST_ YYYY, CAP_YYYY, CAP_EST_ YYYY, RESERVES_YYYY)",
                              file=file, row=1, field=col)
    years = sorted(int(m["year"]) for _, m in specs if m["kind"] == "PROD")
    if not years:
        raise IngestError("no production-year column (PROD_YYYY)", file=file, row=1,
                          field="PROD_YYYY")
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    if missing:
        raise IngestError(f"production year column for {missing[0]} missing (years "
                          f"{years[0]}-{years[-1]} have {len(years)} columns)", file=file, row=1,
                          field=f"PROD_{missing[0]}")
    return specs


def _world_rows(raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate, map and reshape the cells of a world CSV into (``supply`` rows, warnings)."""
    require_columns(raw, ["COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS"], file)
    specs = _year_columns([c for c in raw.columns if c != ROW], file)
    for col in ("COMMODITY", "COUNTRY", "TYPE"):
        raw[col] = raw[col].map(clean_text)
        reject_first(raw[col] == "", raw, col, "empty cell", file)
    df = _map_series(raw, file).reset_index(drop=True)
    df = df.merge(_country_table(df["COUNTRY"], df[ROW], file), on="COUNTRY", how="left")
    df = pd.concat([df, _units(df, file)], axis=1)
    # capacity series: their PROD columns hold capacity (cement clinker)
    cap_series = df["measure"] == "capacity"
    columns_of_year: dict[int, dict[str, str]] = {}
    for col, m in specs:
        columns_of_year.setdefault(int(m["year"]), {})[m["kind"]] = col
    long = []
    for col, m in specs:
        kind, year = m["kind"], int(m["year"])
        parsed = parse_numbers(df, col, file, missing=_TEXT_OK, qualified=True)
        note = df.get(_NOTES[kind], pd.Series("", index=df.index)).map(clean_text)
        value = parsed["value"]
        if kind == "PROD":
            measure = np.where(cap_series, "capacity", "production")
            cap_col = columns_of_year[year].get("CAP")
            if cap_col is not None:  # a capacity series' CAP value wins over its PROD value
                has_cap = cap_series & (df[cap_col].map(clean_text) != "")
                value = value.where(~has_cap)
        else:
            measure = np.full(len(df), _MEASURE[kind])
        withheld = value.isna() & (
            (parsed["flag"] == "W") | note.str.match(_WITHHELD)
        )
        long.append(
            pd.DataFrame(
                {
                    "commodity": df["slug"],
                    "stage": df["stage"],
                    "country": df["country"],
                    "measure": measure,
                    "year": year,
                    "value": value * df["mul"] / df["div"],
                    "unit": df["unit"],
                    "estimated": bool(m["est"]) | note.str.contains("estimated", case=False),
                    "withheld": withheld,
                    "lower_bound": parsed["bound"] == ">",
                    "series": df["TYPE"],
                    "note": _join_notes(df["country_note"], note, parsed["flag"], parsed["bound"]),
                    "row_no": df[ROW],
                    "keep_blank": ~cap_series & (kind == "PROD"),
                    "field": col,
                    "label": df["COUNTRY"],
                    "unit_label": df["unit_label"],
                    "scale": df["scale"],
                }
            )
        )
    return _collapse(pd.concat(long, ignore_index=True), file, country_field="COUNTRY",
                     unit_field="UNIT_MEAS")


def _join_notes(
    country_note: pd.Series, note: pd.Series, flag: pd.Series, bound: pd.Series
) -> pd.Series:
    """Country qualifier, note and cell flag ('NA', 'XX', '<N' as 'upper bound <N') joined
    with '; '; a '>N' flag is left out, the ``lower_bound`` column carries it."""
    flag = flag.fillna("").where(bound != ">", "")
    flag = flag.where(bound != "<", "upper bound " + flag)
    parts = pd.concat([country_note.fillna(""), note.fillna(""), flag], axis=1)
    return parts.apply(lambda r: "; ".join(x for x in r if x), axis=1)


def _collapse(long: pd.DataFrame, file: str, *, country_field: str,
              unit_field: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check the cell rows (:mod:`.usgs_checks`), sum rows sharing a key, drop blank cells (see
    the module docstring), add flags; returns the ``supply`` rows and the soft warnings."""
    usgs_checks.check_cells(long, file, country_field=country_field, unit_field=unit_field)
    has_value = long["value"].notna() | long["withheld"] | long["lower_bound"]
    key = ["commodity", "stage", "measure", "year"]
    series_has_data = has_value.groupby([long[k] for k in key]).transform("any")
    keep = has_value | (long["keep_blank"] & ~series_has_data)
    long = long[keep].drop(columns="keep_blank")
    full_key = [*key, "country"]
    agg = long.groupby(full_key, sort=False, as_index=False).agg(
        value=("value", lambda s: s.sum(min_count=1)),
        unit=("unit", "first"),
        estimated=("estimated", "any"),
        withheld=("withheld", "all"),
        lower_bound=("lower_bound", "any"),
        series=("series", _join_unique),
        note=("note", _join_unique),
        row_no=("row_no", "min"),
        n_units=("unit", "nunique"),
        field=("field", "first"),
        scale=("scale", "first"),
    )
    bad = agg["n_units"] > 1
    if bad.any():
        r = agg[bad].iloc[0]
        raise IngestError(f"rows of {r['commodity']}/{r['country']} mix units", file=file,
                          row=int(r["row_no"]), field=unit_field)
    agg["is_aggregate"] = agg["country"].isin(list(AGGREGATES))
    agg["withheld"] = agg["withheld"] & agg["value"].isna()
    agg["basis"] = agg["commodity"].map({s: c.basis for s, c in all_commodities().items()})
    agg["scenario"] = None
    return agg[SUPPLY_COLUMNS], usgs_checks.world_warnings(agg, file)


def _join_unique(s: pd.Series) -> str | None:
    """Distinct non-empty texts of a group joined with ' + ' (series of summed rows)."""
    vals = list(dict.fromkeys(x for x in s if x))
    return " + ".join(vals) if vals else None


# -- industry trends and salient --------------------------------------------------------------
def read_fig2(path: Path) -> pd.DataFrame:
    """``us_import_reliance`` rows from MCS Fig2 (net import reliance, import sources)."""
    file = str(path)
    df = read_strict(path)
    require_columns(df, ["Commodity"], file)
    nir_col = next((c for c in df.columns if re.match(r"Net_Import_Reliance_pct_\d{4}$", c)), None)
    src_col = next((c for c in df.columns if c.startswith("Major_Import_Sources")), None)
    if nir_col is None or src_col is None:
        raise IngestError("missing column", file=file, row=1,
                          field="Net_Import_Reliance_pct_YYYY" if nir_col is None else
                          "Major_Import_Sources_YYYY_YYYY")
    year = int(nir_col[-4:])
    nir = parse_numbers(df, nir_col, file, missing=_TEXT_OK, qualified=True)
    out = []
    for i, rec in df.iterrows():
        row = int(rec[ROW])
        sources = _iso3_list(rec[src_col], file=file, row=row, field=src_col)
        for slug, stage in _slugs_for("fig2", rec["Commodity"], file=file, row=row,
                                      field="Commodity"):
            out.append(_nir_row(slug, stage, year, nir.loc[i], sources,
                                clean_text(rec["Commodity"]), clean_text(rec.get("Notes", ""))))
    return pd.DataFrame(out).drop_duplicates(["commodity", "stage"])


def _iso3_list(cell: str, *, file: str, row: int, field: str) -> list[str]:
    """'China, Canada, Mexico3 ' -> ['CHN', 'CAN', 'MEX'] (footnote digits dropped)."""
    names = [re.sub(r"\d+$", "", clean_text(p)).strip() for p in str(cell).split(",")]
    return [to_iso3(n, file=file, row=row, field=field) for n in names if n]


def _nir_row(slug, stage, year, nir, sources, label, note) -> dict:
    return {
        "commodity": slug,
        "stage": stage,
        "year": year,
        "nir_pct": nir["value"],
        "bound": nir["bound"],
        "net_exporter": nir["flag"] == "E",
        "import_sources": sources,
        "usgs_name": label,
        "note": note or None,
    }


def read_t5(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``us_import_reliance`` rows, ``us_salient`` rows) from MCS T5 (critical minerals)."""
    file = str(path)
    df = read_strict(path)
    # MCS 2026 T7 names the source column 'Primary_import_sources_2021-24'
    df = df.rename(columns={c: "Primary_import_source" for c in df.columns
                            if c.startswith("Primary_import_sources")})
    need = ["Year", "Critical_mineral", "Net_Import_Reliance", "Primary_import_source"]
    require_columns(df, need, file)
    nir = parse_numbers(df, "Net_Import_Reliance", file, missing=_TEXT_OK,
                        qualified=True)
    numeric = ["Primary_prod", "Secondary_prod", "Apparent_Consumption", "Net_Import_Reliance",
               "Leading_country_prod", "Leading_source_precent_world", "World_total_prod"]
    numbers = {
        col: parse_numbers(df, col, file, missing=_TEXT_OK, qualified=True)
        for col in numeric
        if col in df.columns
    }
    nir_rows, salient = [], []
    for i, rec in df.iterrows():
        row = int(rec[ROW])
        m = re.match(r"(\d{4})", clean_text(rec["Year"]))
        if not m:
            raise IngestError(f"bad year {rec['Year']!r}", file=file, row=row, field="Year")
        year = int(m.group(1))
        label = clean_text(rec["Critical_mineral"])
        src = _iso3_list(rec["Primary_import_source"], file=file, row=row,
                         field="Primary_import_source")
        lead = _iso3_list(rec.get("Leading_source_country", ""), file=file, row=row,
                          field="Leading_source_country")
        for slug, stage in _slugs_for("t5", label, file=file, row=row, field="Critical_mineral"):
            nir_rows.append(_nir_row(slug, stage, year, nir.loc[i], src, label, "MCS T5"))
            for col, parsed in numbers.items():
                p = parsed.loc[i]
                salient.append({
                    "commodity": slug, "usgs_name": label, "year": year, "variable": col,
                    "value": p["value"], "flag": p["flag"], "estimated": True,
                    "unit": "pct" if col in ("Net_Import_Reliance",
                                             "Leading_source_precent_world") else "t",
                })
            for col, codes in (("Primary_import_source", src), ("Leading_source_country", lead)):
                salient.append({
                    "commodity": slug, "usgs_name": label, "year": year, "variable": col,
                    "value": np.nan, "flag": ",".join(codes) or None, "estimated": True,
                    "unit": "ISO3",
                })
    return pd.DataFrame(nir_rows), pd.DataFrame(salient)


def read_t4(path: Path) -> pd.DataFrame:
    """``us_end_use`` rows from MCS T4 (primary applications of critical minerals)."""
    return end_use_rows(read_strict(path), str(path))


def end_use_rows(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """``us_end_use`` rows from an end-use table read as text (MCS 2025 T4, MCS 2026 T6)."""
    require_columns(df, ["Critical Mineral", "Primary Applications"], file)
    out = []
    for _, rec in df.iterrows():
        label = clean_text(rec["Critical Mineral"])
        slugs = _slugs_for("t4", label, file=file, row=int(rec[ROW]), field="Critical Mineral")
        for slug in [s for s, _ in slugs] or [None]:
            out.append({
                "commodity": slug, "usgs_name": label,
                "end_use_text": clean_text(rec["Primary Applications"]),
                "note": clean_text(rec.get("Category_Note", "")) or None,
            })
    return pd.DataFrame(out)


def _salient_cells(path: Path) -> pd.DataFrame:
    """One salient CSV as raw long cells: commodity slug, label, year, column, text."""
    file = str(path)
    df = read_strict(path)
    require_columns(df, ["Commodity", "Year"], file)
    df = df[df["Year"].map(clean_text) != ""]
    if df.empty:
        return pd.DataFrame(columns=["commodity", "usgs_name", "year", "file", ROW, "column",
                                     "text"])
    label = clean_text(df["Commodity"].iloc[0])
    first = int(df[ROW].iloc[0])
    slugs = [s for s, _ in _slugs_for("salient", label, file=file, row=first, field="Commodity")]
    years = df["Year"].map(clean_text)
    reject_first(~years.str.fullmatch(r"\d{4}"), df.assign(Year=years), "Year",
                 "bad year {value!r}", file)
    fixed = ("DataSource", "Source", "Commodity", "Year", ROW)
    var_cols = [c for c in df.columns if c not in fixed]
    long = df.assign(year=years.astype(int), usgs_name=label, file=file).melt(
        id_vars=["usgs_name", "year", "file", ROW], value_vars=var_cols, var_name="column",
        value_name="text",
    )
    return pd.concat([long.assign(commodity=s) for s in slugs or [None]], ignore_index=True)


def _parse_salient(cells: pd.DataFrame) -> pd.DataFrame:
    """Parse raw salient cells (of any number of files at once) into ``us_salient`` rows.

    A cell of digits and separators only must be a number as USGS prints it (``7,5`` is an
    error naming its file, row and column, not 75); other text is kept as the row's flag."""
    columns = cells["column"].unique()
    spec = pd.DataFrame([_salient_column(c) for c in columns], index=columns,
                        columns=["variable", "unit", "mul", "div"])
    text = cells["text"].map(clean_text).str.replace("\u2212", "-", regex=False)
    numeric = text.str.fullmatch(r"[-\d,.]*\d[-\d,.]*")
    bad = numeric & ~text.str.fullmatch(PRINTED)
    if bad.any():
        c = cells[bad.to_numpy()].iloc[0]
        raise IngestError(f"not a number as USGS writes it: {text[bad].iloc[0]!r}",
                          file=c["file"], row=int(c[ROW]), field=c["column"])
    num = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    col = spec.loc[cells["column"]].reset_index(drop=True)
    out = pd.DataFrame({
        "commodity": cells["commodity"], "usgs_name": cells["usgs_name"], "year": cells["year"],
        "variable": col["variable"], "value": num * col["mul"] / col["div"], "unit": col["unit"],
        "flag": text.where(num.isna() & (text != ""), None), "estimated": False,
    })
    return out[out["value"].notna() | out["flag"].notna()].reset_index(drop=True)


# -- entry points -----------------------------------------------------------------------------
def _salient_column(col: str) -> tuple[str, str | None, float, float]:
    """'Imports_Metal_kg' -> ('Imports_Metal', 't', 1, 1000): variable, unit, conversion."""
    base, _, suffix = col.rpartition("_")
    suffix = re.sub(r"\.\d+$", "", suffix)
    if base.startswith("NIR") or "_NIR" in base:  # 'NIR_Compounds-Metals_t' is a percentage
        return base, "pct", 1.0, 1.0
    if suffix in SALIENT_UNITS:
        unit, mul, div = SALIENT_UNITS[suffix]
        return base or col, unit, mul, div
    if suffix in _SALIENT_OTHER:
        return base or col, suffix, 1.0, 1.0
    return col, None, 1.0, 1.0


def _first_rows(path: Path, n: int = 3) -> pd.DataFrame:
    """The header and first ``n`` rows of a CSV (enough to read its SOURCE column)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(itertools.islice(csv.reader(fh), n + 1))
    header = [clean_text(h) for h in rows[0]] if rows else []
    return pd.DataFrame([r[: len(header)] for r in rows[1:]], columns=header)


def _kind_of(path: Path) -> str:
    """Which MCS table a CSV is, from its header."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            header = {clean_text(h) for h in fh.readline().split(",")}
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(f"cannot read: {exc}", file=str(path)) from exc
    if {"COMMODITY", "COUNTRY", "TYPE"} <= header:
        return "world"
    if any(h.startswith("Net_Import_Reliance_pct") for h in header):
        return "fig2"
    if "Critical_mineral" in header:
        return "t5"
    if "Primary Applications" in header:
        return "t4"
    if {"Commodity", "Year"} <= header and header & {"DataSource", "Source"}:
        return "salient"
    raise IngestError("not a USGS MCS world, Fig2, T4, T5 or salient CSV", file=str(path),
                      row=1)


def _files(path: Path) -> list[Path]:
    if not path.exists():
        raise IngestError("no such file or folder", file=str(path))
    if path.is_file():
        return [path]
    files = sorted(path.glob("world/*World_Data*.csv"))
    trends = path / "industry_trends"
    for pattern in ("*Fig2_Net_Import_Reliance*.csv", "*T4_Critical_Minerals_End_Use*.csv",
                    "*T5_Critical_Minerals_Salient*.csv"):
        files += sorted(trends.glob(pattern))
    files += sorted((path / "salient").glob("*_salient.csv"))
    if not files:
        raise IngestError("no MCS CSV files in folder", file=str(path))
    return files


def _long_format(path: Path) -> str | None:
    """The edition (``MCS2026``) when ``path`` is in the MCS 2026 one-long-file format (a
    folder holding ``*Commodities_Data*.csv``, that file, or one of its trend tables), else
    None (the MCS 2025 world/salient format)."""
    from . import usgs_mcs2026

    if path.is_dir():
        files = sorted(path.glob("*Commodities_Data*.csv"))
    elif usgs_mcs2026.is_long_file(path) or any(
            path.match(p) for p in ("*Fig3_Major_Import_Sources*", "*Country_Export_Control*",
                                    "*T6_Critical_Minerals_End_Use*",
                                    "*T7_Critical_Minerals_Salient*")):
        files = [path]
    else:
        return None
    if not files:
        return None
    return usgs_mcs2026.edition_of(files[0])


def _read(path: str | Path) -> tuple[dict[str, pd.DataFrame], str]:
    """Tables and edition read from a release folder or one of its CSVs, in either format."""
    path = Path(path)
    if not path.exists():
        from .registry import MCS2026_WHERE

        retired = ("; USGS publishes no MCS2026_World_Data.csv: MCS 2026 is " + MCS2026_WHERE
                   if path.match("*MCS2026_World_Data*") else "")
        raise IngestError("no such file or folder" + retired, file=str(path))
    edition = _long_format(path)
    if edition is not None:
        from . import usgs_mcs2026

        return usgs_mcs2026.read_release(path), edition
    parts: dict[str, list[pd.DataFrame]] = {}
    warnings: list[pd.DataFrame] = []
    editions: set[str] = set()
    fig2_slugs: set[str] = set()
    t5_nir, salient_cells = [], []
    for f in _files(path):
        kind = _kind_of(f)
        head = _first_rows(f) if kind != "world" else None
        if kind == "world":
            raw = read_strict(f)
            editions.add(_edition(raw, "SOURCE", f))
            supply, warned = _world_rows(raw, str(f))
            parts.setdefault("supply", []).append(supply)
            warnings.append(warned)
        elif kind == "fig2":
            editions.add(_edition(head, "Source", f))
            nir = read_fig2(f)
            fig2_slugs |= set(nir["commodity"])
            parts.setdefault("us_import_reliance", []).append(nir)
        elif kind == "t5":
            editions.add(_edition(head, "Source", f))
            nir, sal = read_t5(f)
            t5_nir.append(nir)
            parts.setdefault("us_salient", []).append(sal)
        elif kind == "t4":
            editions.add(_edition(head, "Source", f))
            parts.setdefault("us_end_use", []).append(read_t4(f))
        else:
            editions.add(_edition(head, "DataSource" if "DataSource" in head else "Source", f))
            salient_cells.append(_salient_cells(f))
    if salient_cells:  # parsed together: one vectorised pass over all files
        parts.setdefault("us_salient", []).append(
            _parse_salient(pd.concat(salient_cells, ignore_index=True))
        )
    for nir in t5_nir:  # T5 only fills critical minerals Fig2 lacks
        parts.setdefault("us_import_reliance", []).append(
            nir[~nir["commodity"].isin(fig2_slugs)]
        )
    if len(editions) != 1:
        raise IngestError(f"files from several MCS editions: {sorted(editions)}", file=str(path))
    tables = {
        name: pd.concat([p for p in frames if len(p)], ignore_index=True)
        for name, frames in parts.items()
        if any(len(p) for p in frames)
    }
    if "supply" in tables:  # a reload replaces the old warnings, even with none
        tables["ingest_warnings"] = usgs_checks.combine(warnings)
    return tables, editions.pop()


def read(path: str | Path) -> dict[str, pd.DataFrame]:
    """Validated, normalised rows per store table from an MCS folder or CSV."""
    return _read(path)[0]


def load(store, path: str | Path) -> int:
    """Read ``path`` and replace its edition's rows in ``store`` (caller holds a transaction)."""
    tables, edition = _read(path)
    years = pd.concat(
        [t["year"] for t in tables.values() if "year" in t and len(t)], ignore_index=True
    )
    return store.replace_source(
        source_of(edition), KIND, tables, edition=edition, path=str(path),
        years=(int(years.min()), int(years.max())) if len(years) else (None, None),
    )

