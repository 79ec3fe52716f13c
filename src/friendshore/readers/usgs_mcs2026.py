"""Reader for the USGS Mineral Commodity Summaries 2026 data release (the one-long-file format).

MCS 2026 (doi 10.5066/P1WKQ63T) replaced the world CSV and the per-commodity salient files of
earlier releases with one long file, ``MCS2026_Commodities_Data.csv`` (cp1252), one value per
row: ``MCS chapter, Section, Commodity, Country, Statistics, Statistics_detail, Unit, Year,
Value, Notes, ...``. :mod:`friendshore.readers.usgs_mcs` hands a folder or file of this
format to :func:`read_release`, so both formats load through ``data ingest --source
usgs-mcs``.

Long file -> tables:

* ``World …`` sections -> ``supply``. A series is (Commodity, Statistics, Statistics_detail
  without its ``: rounded`` suffix); ``data/usgs_series_2026.csv`` gives its slug, stage and
  measure (a blank slug: not loaded, with the reason). A series missing from the table is
  classified by keyword as for MCS 2025 (``usgs_mcs._classify``). Countries, units and
  summing follow the MCS 2025 world reader (``World total`` -> ``WLD``, ``Other countries``
  -> ``OTH``; kilograms and thousand tons -> t).
* ``Salient Statistics—United States`` -> ``us_salient``: ``variable`` is the
  ``Statistics_detail`` text (``Production: Mineral concentrates``), prefixed with the
  commodity where a chapter holds several (``Alumina: Consumption, apparent``); masses in t.
* The published revisions after v1.0 (``data/usgs_mcs2026/revisions.csv``, from
  ``MCS2026_version_history.txt``) replace the v1.0 cells they name; each revised row's note
  says so.

Cell text (``Value``), as USGS writes it: ``270,000`` (thousands grouped by three; ``7,5`` is
an error, not 75), ``W`` (withheld: NULL value, ``withheld``), ``NA``/``XX``/``E``/``s``
(NULL, the text kept in the note), ``—`` (zero), ``>N`` (``lower_bound``), ``<N`` (NULL,
'upper bound <N' in the note), ranges ``a–b``, words (``Large``, ``Small``) and a number whose
first character the cp1252 file lost (``?1``) (NULL, the text in the note). Any other text is
an error naming the file, row and field. A missing column (``Statistics_detail`` renamed, say)
is an error naming the column.

Trend tables: Fig2 (``us_import_reliance``), Fig3 (``us_import_sources``), T4
(``export_controls``), T6 (``us_end_use``), T7 (``us_salient`` and the NIR of critical minerals
Fig2 lacks).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..conventions.commodities import all_commodities, normalise_name
from ..conventions.countries import to_iso3
from ..errors import IngestError
from . import usgs_checks, usgs_mcs
from ._csv import (
    PRINTED,
    ROW,
    clean_text,
    package_file,
    read_strict,
    reject_first,
    require_columns,
)

__all__ = ["COLUMNS", "edition_of", "is_long_file", "read_controls", "read_fig3",
           "read_long", "read_release", "read_t6", "read_t7"]

#: Columns of the long file the reader needs.
COLUMNS = ["MCS chapter", "Section", "Commodity", "Country", "Statistics", "Statistics_detail",
           "Unit", "Year", "Value", "Notes"]
EDITION = "MCS2026"
ENCODING = "cp1252"

#: A number as USGS prints it: digits grouped by three with commas, optional decimals.
_NUMBER = re.compile(rf"^(?:{PRINTED})$")
_BOUND = re.compile(r"^(?P<bound>[<>])\s*(?P<num>.+)$")
_RANGE = re.compile(r"^(?P<lo>[\d,.]+)\s*[–-]\s*(?P<hi>[\d,.]+)$")
_ZERO = {"\u2014"}  # em dash: zero
#: Cell words kept as text (NULL value); 'W' is withheld, handled apart.
_WORDS = {"na", "xx", "e", "s", "large", "small", "moderate", "very small", "moderate to large"}
_ROUNDED = re.compile(r"(?::\s*|,\s*)rounded$", re.I)
_SALIENT = "salient statistics"


@cache
def _series() -> dict[tuple[str, str, str], dict]:
    """``data/usgs_series_2026.csv`` keyed by normalised (commodity, statistics, detail)."""
    df = pd.read_csv(package_file("usgs_series_2026.csv"), dtype=str, keep_default_na=False)
    known = all_commodities()
    out = {}
    for rec in df.itertuples():
        if rec.slug and (rec.slug not in known or rec.stage not in known[rec.slug].stages):
            raise ValueError(f"usgs_series_2026.csv: {rec.slug}/{rec.stage} not in "
                             "commodities.csv")
        key = (normalise_name(rec.usgs_commodity), normalise_name(rec.statistics),
               normalise_name(rec.detail))
        out[key] = {"slug": rec.slug, "stage": rec.stage, "measure": rec.measure,
                    "exclude_rows": rec.exclude_rows, "unit_override": rec.unit_override}
    return out


def is_long_file(path: Path) -> bool:
    """True for a CSV whose header is the MCS 2026 long format (told by its columns)."""
    try:
        with open(path, encoding=ENCODING, errors="replace") as fh:
            head = {clean_text(h).lstrip("\ufeff").strip('"') for h in fh.readline().split(",")}
    except OSError:
        return False
    return {"MCS chapter", "Section", "Value"} <= head


# -- cells ------------------------------------------------------------------------------------
def parse_values(df: pd.DataFrame, file: str, field: str = "Value") -> pd.DataFrame:
    """``value`` (float), ``bound`` ('>' / '<' / None), ``withheld`` and ``text`` (the cell when
    it is not a plain number) of each cell, per the module docstring; other text is an error."""
    text = df[field].map(clean_text).str.replace("\u2212", "-", regex=False)
    low = text.str.casefold()
    value = pd.Series(np.nan, index=df.index)
    bound = pd.Series(None, index=df.index, dtype=object)
    plain = text.str.match(_NUMBER)
    value[plain] = pd.to_numeric(text[plain].str.replace(",", "", regex=False))
    value[text.isin(_ZERO)] = 0.0
    bounded = text.str.extract(_BOUND)
    is_bound = bounded["num"].fillna("").str.match(_NUMBER)
    bound[is_bound] = bounded.loc[is_bound, "bound"]
    lower = is_bound & (bounded["bound"] == ">")
    value[lower] = pd.to_numeric(bounded.loc[lower, "num"].str.replace(",", "", regex=False))
    ranged = text.str.match(_RANGE)
    words = low.isin(_WORDS) | low.str.startswith("variable")
    withheld = text == "W"
    lost = text.str.match(r"^\?\d")  # a character lost in cp1252 ('?1', niobium salient)
    ok = (plain | text.isin(_ZERO) | is_bound | ranged | words | withheld | lost
          | (text == ""))
    reject_first(~ok, df, field, "not a number as USGS writes it: {value!r}", file)
    return pd.DataFrame({"value": value, "bound": bound, "withheld": withheld,
                         "text": text.where(~plain & ~text.isin(_ZERO) & (text != ""), None)},
                        index=df.index)


def _years(df: pd.DataFrame, file: str, last: int) -> pd.Series:
    """The ``Year`` cell as an int: four digits, not after ``last`` (the edition's year; a
    ``2052`` for 2025 would become the newest year of every default)."""
    years = df["Year"].map(clean_text)
    reject_first(~years.str.fullmatch(r"\d{4}"), df, "Year", "bad year {value!r}", file)
    reject_first(years.astype(int) > last, df, "Year",
                 f"year {{value!r}} is after the edition's year {last}", file)
    return years.astype(int)


def edition_of(path: Path) -> str:
    """The MCS edition of a long-format file from its name (``MCS2026``), else :data:`EDITION`."""
    m = re.search(r"mcs[_-]?(\d{4})", path.name, re.I)
    return f"MCS{m.group(1)}" if m else EDITION


# -- world sections ---------------------------------------------------------------------------
def _map_series(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """Attach slug, stage, measure, exclude_rows and unit_override to each world row; drop the
    series marked not loaded and the excluded rows."""
    table = _series()
    specs = []
    cache_: dict[tuple[str, str, str], dict] = {}
    for rec in df.itertuples():
        key = (normalise_name(rec.Commodity), normalise_name(rec.Statistics),
               normalise_name(rec.TYPE))
        if key not in cache_:
            spec = table.get(key)
            if spec is None:
                guess = usgs_mcs._classify(rec.Commodity, f"{rec.Statistics} {rec.TYPE}",
                                           file=file, row=int(getattr(rec, ROW)))[0]
                spec = {**guess, "exclude_rows": ""}
            cache_[key] = spec
        specs.append(cache_[key])
    out = pd.concat([df.reset_index(drop=True), pd.DataFrame(specs)], axis=1)
    excluded = [normalise_name(c) in {normalise_name(x) for x in str(ex).split("|") if x}
                for c, ex in zip(out["COUNTRY"], out["exclude_rows"], strict=True)]
    out = out[(out["slug"] != "") & ~np.asarray(excluded, dtype=bool)]
    return out.drop(columns="exclude_rows").reset_index(drop=True)


def _world(raw: pd.DataFrame, file: str, last: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``supply`` rows, soft warnings) from the world sections of the long file."""
    df = raw[raw["Section"].str.casefold().str.startswith("world")].copy()
    none = (pd.DataFrame(columns=usgs_mcs.SUPPLY_COLUMNS), usgs_checks.combine([]))
    if df.empty:
        return none
    df["TYPE"] = df["Statistics_detail"].map(lambda s: _ROUNDED.sub("", s).strip())
    df = df.rename(columns={"Country": "COUNTRY"})
    df["COMMODITY"] = df["Commodity"]
    df = _map_series(df, file)
    if df.empty:
        return none
    df = df.merge(usgs_mcs._country_table(df["COUNTRY"], df[ROW], file, "Country"),
                  on="COUNTRY", how="left")
    df = pd.concat([df, usgs_mcs._units(df, file, "Unit")], axis=1)
    cells = parse_values(df, file)
    note = df["Notes"].map(clean_text)
    long = pd.DataFrame({
        "commodity": df["slug"], "stage": df["stage"], "country": df["country"],
        "measure": df["measure"], "year": _years(df, file, last),
        "value": cells["value"] * df["mul"] / df["div"], "unit": df["unit"],
        "estimated": note.str.contains("estimated", case=False),
        "withheld": cells["withheld"], "lower_bound": cells["bound"] == ">",
        "series": df["Statistics_detail"].map(lambda s: _ROUNDED.sub("", s).strip()),
        "note": usgs_mcs._join_notes(df["country_note"], note, cells["text"], cells["bound"]),
        "row_no": df[ROW], "keep_blank": df["measure"] == "production",
        "field": "Value", "label": df["COUNTRY"], "unit_label": df["unit_label"],
        "scale": df["scale"],
    })
    return usgs_mcs._collapse(long, file, country_field="Country", unit_field="Unit")


# -- salient ----------------------------------------------------------------------------------
def _salient(raw: pd.DataFrame, file: str, last: int) -> pd.DataFrame:
    """``us_salient`` rows from the ``Salient Statistics—United States`` section."""
    df = raw[raw["Section"].str.casefold().str.startswith(_SALIENT)].reset_index(drop=True)
    if df.empty:
        return pd.DataFrame()
    cells = parse_values(df, file)
    unit = df["Unit"].map(normalise_name)
    spec = unit.map(lambda u: usgs_mcs.UNITS.get(u, (u or None, 1.0, 1.0)))
    slugs: dict[str, str | None] = {}
    firsts = df.drop_duplicates("Commodity")
    for name, chapter, row in zip(firsts["Commodity"], firsts["MCS chapter"], firsts[ROW],
                                  strict=True):
        hits = [usgs_mcs._slugs_for("salient", label, file=file, row=int(row),
                                    field="Commodity") for label in (name, chapter)]
        slugs[name] = next((h[0][0] for h in hits if h), None)
    # a chapter with several commodities (Bauxite and Alumina) repeats its variable names:
    # there the variable is prefixed with the commodity ('Alumina: Consumption, apparent')
    several = df.groupby("MCS chapter")["Commodity"].transform("nunique") > 1
    detail = df["Statistics_detail"].map(clean_text)
    variable = detail.where(~several, df["Commodity"].map(clean_text) + ": " + detail)
    out = pd.DataFrame({
        "commodity": df["Commodity"].map(slugs), "usgs_name": df["Commodity"].map(clean_text),
        "year": _years(df, file, last), "variable": variable,
        "value": cells["value"] * spec.str[1].astype(float) / spec.str[2].astype(float),
        "unit": spec.str[0], "flag": cells["text"],
        "estimated": df["Notes"].str.contains("estimated", case=False),
    })
    return out[out["value"].notna() | out["flag"].notna()].reset_index(drop=True)


@cache
def _revisions() -> pd.DataFrame:
    """The published revisions of the v1.0 long file (``usgs_mcs2026/revisions.csv``)."""
    return pd.read_csv(package_file("usgs_mcs2026", "revisions.csv"), dtype=str,
                       keep_default_na=False)


def _revise(raw: pd.DataFrame) -> pd.DataFrame:
    """Apply the published revisions (v1.1-v1.3) to the cells they name, noting each."""
    raw = raw.copy()
    for rev in _revisions().itertuples():
        hit = ((raw["MCS chapter"].map(clean_text) == rev.chapter)
               & (raw["Country"].map(clean_text) == rev.country)
               & (raw["Statistics"].map(clean_text) == rev.statistics)
               & (raw["Year"].map(clean_text) == rev.year)
               & (raw["Value"].map(clean_text) == rev.old_value))
        raw.loc[hit, "Value"] = rev.new_value
        raw.loc[hit, "Notes"] = raw.loc[hit, "Notes"].map(
            lambda n, r=rev: "; ".join(x for x in (clean_text(n), f"revised {r.source}") if x))
    return raw


def read_long(path: Path) -> dict[str, pd.DataFrame]:
    """``supply``, ``us_salient`` and ``ingest_warnings`` rows from the long file (revisions
    applied; the plausibility checks of :mod:`.usgs_checks` on the supply cells)."""
    file = str(path)
    raw = read_strict(path, encoding=ENCODING)
    require_columns(raw, COLUMNS, file)
    for col in ("MCS chapter", "Section", "Commodity", "Country", "Statistics"):
        raw[col] = raw[col].map(clean_text)
    raw = _revise(raw)
    last = int(edition_of(path)[3:])
    supply, warnings = _world(raw, file, last)
    return {"supply": supply, "us_salient": _salient(raw, file, last),
            "ingest_warnings": warnings}


# -- trend tables -----------------------------------------------------------------------------
def read_fig3(path: Path) -> pd.DataFrame:
    """``us_import_sources`` rows from MCS 2026 Fig3 (US import shares 2021–24, percent)."""
    file = str(path)
    df = read_strict(path)
    cols = ["Commodity", "Import_Source_2021_24", "Percent"]
    require_columns(df, cols, file)
    share = parse_values(df, file, "Percent")
    out = []
    for i, rec in df.iterrows():
        name, row = clean_text(rec["Import_Source_2021_24"]), int(rec[ROW])
        if name.casefold() in ("na", ""):
            continue
        country = "OTH" if name.casefold() == "other" else to_iso3(
            name, file=file, row=row, field="Import_Source_2021_24")
        label = clean_text(rec["Commodity"])
        for slug, stage in usgs_mcs._slugs_for("fig3", label, file=file, row=row,
                                               field="Commodity") or [(None, None)]:
            out.append({"commodity": slug, "stage": stage, "usgs_name": label,
                        "country": country, "share_pct": share.loc[i, "value"],
                        "years": "2021-2024"})
    return pd.DataFrame(out)


_CONTROL_ITEM = re.compile(r"^(?P<what>.*?)\s*\((?P<year>[^()]*)\)$")


def read_controls(path: Path) -> pd.DataFrame:
    """``export_controls`` rows from MCS 2026 T4: one row per (country, control type, item).

    ``Commodity_Year`` lists items as 'Bauxite (2023), copper concentrates (2023), and nickel
    ore (2020).'; each item keeps its text, its year text (an item without one takes the year
    that closes the list after it) and, where the text names a friendshore commodity (first
    words tried too), its slug."""
    file = str(path)
    df = read_strict(path)
    require_columns(df, ["Country", "Control_Type", "Commodity_Year", "Data_source"], file)
    out = []
    for _, rec in df.iterrows():
        row = int(rec[ROW])
        country = to_iso3(clean_text(rec["Country"]), file=file, row=row, field="Country")
        items = [_CONTROL_ITEM.match(x) or x
                 for x in _split_items(clean_text(rec["Commodity_Year"]))]
        year = ""
        pairs = []
        for m in reversed(items):  # 'A, b, and c (2024)': the year closes the list
            what, year = (m["what"], m["year"]) if isinstance(m, re.Match) else (m, year)
            pairs.append((what, year))
        for what, year in reversed(pairs):
            out.append({"country": country, "control_type": clean_text(rec["Control_Type"]),
                        "item": what, "since": year or None,
                        "commodity": _slug_of(what, file=file, row=row),
                        "data_source": clean_text(rec["Data_source"]) or None,
                        "note": clean_text(rec.get("Notes", "")) or None, "row_no": row})
    return pd.DataFrame(out)


def _split_items(text: str) -> list[str]:
    """'A (2023), b (2024), and c (2020).' -> ['A (2023)', 'b (2024)', 'c (2020)'] (commas
    inside parentheses kept)."""
    text = text.rstrip(".")
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [re.sub(r"^and\s+", "", p.strip()) for p in parts if p.strip()]


def _slug_of(text: str, *, file: str, row: int) -> str | None:
    """The friendshore commodity an export-control item names, if any (whole text, then its
    first two words, then its first word)."""
    words = re.sub(r"[^\w\s-]", " ", text).split()
    for cand in (text, " ".join(words[:2]), words[0] if words else ""):
        got = usgs_mcs._slugs_for("t4-2026", cand, file=file, row=row, field="Commodity_Year")
        if got:
            return got[0][0]
    return None


def read_t6(path: Path) -> pd.DataFrame:
    """``us_end_use`` rows from MCS 2026 T6 (primary applications of critical minerals)."""
    file = str(path)
    df = read_strict(path).rename(columns={"Critical_Mineral": "Critical Mineral",
                                           "Primary_Applications": "Primary Applications"})
    return usgs_mcs.end_use_rows(df, file)


def read_t7(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``us_import_reliance``, ``us_salient``) rows from MCS 2026 T7 (as MCS 2025 T5)."""
    return usgs_mcs.read_t5(path)


# -- release ----------------------------------------------------------------------------------
_TRENDS = {
    "fig2": "*Fig2_Net_Import_Reliance*.csv",
    "fig3": "*Fig3_Major_Import_Sources*.csv",
    "t4": "*T4_Country_Export_Control*.csv",
    "t6": "*T6_Critical_Minerals_End_Use*.csv",
    "t7": "*T7_Critical_Minerals_Salient*.csv",
}


def release_files(path: Path) -> dict[str, list[Path]]:
    """The long file and trend tables of an MCS 2026 folder (or one file), by kind."""
    if path.is_file():
        kind = "long" if is_long_file(path) else next(
            (k for k, pat in _TRENDS.items() if path.match(pat)), None)
        if kind is None:
            raise IngestError("not an MCS 2026 long file or Fig2, Fig3, T4, T6, T7 table",
                              file=str(path), row=1)
        return {kind: [path]}
    out = {"long": sorted(p for p in path.glob("*Commodities_Data*.csv"))}
    for kind, pat in _TRENDS.items():
        out[kind] = sorted((path / "trends").glob(pat)) + sorted(path.glob(pat))
    return {k: v for k, v in out.items() if v}


def read_release(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of an MCS 2026 folder or file (see the module docstring)."""
    parts: dict[str, list[pd.DataFrame]] = {}
    files = release_files(path)
    fig2 = set()
    for f in files.get("long", []):
        for table, frame in read_long(f).items():
            parts.setdefault(table, []).append(frame)
    for f in files.get("fig2", []):
        nir = usgs_mcs.read_fig2(f)
        fig2 |= set(nir["commodity"])
        parts.setdefault("us_import_reliance", []).append(nir)
    for f in files.get("t7", []):
        nir, sal = read_t7(f)
        parts.setdefault("us_import_reliance", []).append(nir[~nir["commodity"].isin(fig2)])
        parts.setdefault("us_salient", []).append(sal)
    for kind, table, fn in (("fig3", "us_import_sources", read_fig3),
                            ("t4", "export_controls", read_controls),
                            ("t6", "us_end_use", read_t6)):
        for f in files.get(kind, []):
            parts.setdefault(table, []).append(fn(f))
    tables = {name: pd.concat([p for p in frames if len(p)], ignore_index=True)
              for name, frames in parts.items()
              if name != "ingest_warnings" and any(len(p) for p in frames)}
    if "supply" in tables:  # a reload replaces the old warnings, even with none
        tables["ingest_warnings"] = usgs_checks.combine(parts["ingest_warnings"])
    return tables
