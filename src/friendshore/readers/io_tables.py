"""Readers of the shipped input–output tables: US BEA summary and detail, Japan MIC 2015
(13/37/185 sectors and the 509 × 391 basic table), WIOD 2011.

Each reader checks the layout it relies on (labels, numeric cells, totals) and raises
:class:`~friendshore.errors.IngestError` naming file, row and field. The tables are read lazily
by :mod:`friendshore.iomodel.tables` (they need no SQL); building the store only records them in
the ``sources`` table, so ``friendshore`` can list what it holds and from which edition.
"""

from __future__ import annotations

import csv
import gzip
import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from ._csv import package_file

__all__ = [
    "KIND",
    "SOURCES",
    "bea_labels",
    "load",
    "read",
    "read_bea",
    "read_bea_detail",
    "read_mic",
    "read_mic_basic",
    "read_wiod",
    "shipped",
]

KIND = "io-tables"

#: Shipped folder -> (source key, edition, first year, last year).
SOURCES: dict[str, tuple[str, str, int, int]] = {
    "us_bea_summary": ("bea-io-summary", "BEA summary IO 17sch (2024-09-06)", 2017, 2023),
    "us_bea_detail_2017": ("bea-io-detail", "BEA 2017 benchmark IO, detail (402), 17sch", 2017,
                           2017),
    "japan_mic_2015": ("mic-io-2015", "MIC 平成27年産業連関表 13/37/185", 2015, 2015),
    "japan_mic_2015_basic": ("mic-io-2015-basic", "MIC 平成27年産業連関表 基本分類 509×391", 2015,
                             2015),
    "wiod2013_2011": ("wiod-2013", "WIOD release 2013, WIOT 2011", 2011, 2011),
}


def data_dir() -> Path:
    """The package folder holding the shipped IO tables."""
    return package_file("io")


def _numeric(df: pd.DataFrame, path: Path, first_row: int = 2) -> pd.DataFrame:
    """``df`` as floats; the first non-numeric cell raises with its row (``first_row`` is the
    file line of the first body row) and column."""
    text = df.apply(lambda c: c.str.strip())
    out = text.replace({"": None, "NA": None}).apply(pd.to_numeric, errors="coerce")
    bad = out.isna() & ~text.isin(["", "NA"])
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise IngestError(
            f"not a number: {df.iat[r, c]!r}", file=path.name, row=int(r) + first_row,
            field=df.columns[c]
        )
    return out


def _read_coded(path: Path, index: str | None = "code", skip: int = 0) -> pd.DataFrame:
    """A CSV whose first column holds row codes, as a float frame indexed by those codes.

    ``skip`` title lines come before the header; ``index=None`` accepts any name for the code
    column (MIC's sheet dumps leave it blank). Fast path: pandas parses the numbers directly
    (the same parser as :func:`_numeric`, so the values are identical); only a file with a
    non-numeric cell is re-read as text, to name that cell's row and column.
    """
    if not path.exists():
        raise IngestError("file not found", file=str(path))
    opts = {"encoding": "utf-8-sig", "skiprows": skip, "keep_default_na": False}
    with (gzip.open if path.suffix == ".gz" else open)(path, "rt", encoding="utf-8-sig") as fh:
        header = next(itertools.islice(csv.reader(fh), skip, None), [""])
    first = header[0] or "Unnamed: 0"  # pandas names a blank header cell so
    if index is not None and first != index:
        raise IngestError(f"first column must be {index!r}", file=path.name, row=skip + 1,
                          field=first)
    fast = pd.read_csv(path, index_col=0, dtype={first: str}, na_values=["", "NA"], **opts)
    if all(pd.api.types.is_numeric_dtype(t) for t in fast.dtypes):
        fast.index = fast.index.str.strip()
        return fast.astype(float)
    df = pd.read_csv(path, dtype=str, **opts).set_index(first)
    df.index = df.index.str.strip()
    return _numeric(df, path, first_row=skip + 2)


def _require(df: pd.DataFrame, labels: list[str], axis: str, path: Path) -> None:
    """Raise unless every label is present on ``axis`` ('row' or 'column')."""
    have = df.index if axis == "row" else df.columns
    missing = [lab for lab in labels if lab not in have]
    if missing:
        raise IngestError(f"missing {axis}(s) {missing[:5]}", file=path.name,
                          row=1 if axis == "column" else None,
                          field=missing[0] if axis == "column" else None)


def bea_labels(folder: Path | None = None) -> dict[str, pd.Series]:
    """BEA summary code → name lookups for industries, commodities and final demand."""
    folder = folder or data_dir() / "us_bea_summary"
    out = {}
    for kind in ("Industry", "Commodity", "FinalDemand"):
        path = folder / f"Summary_{kind}CodeName_2017.csv"
        df = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        out[kind.lower()] = pd.Series(df.iloc[:, 1].to_numpy(), index=df.iloc[:, 0].str.strip())
    return out


def read_bea(year: int, folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """BEA summary Use (producer prices, before redefinitions), Make and Import tables.

    Returns ``use`` (commodities + VA rows × industries + FD columns), ``make`` (industries ×
    commodities) and ``imports`` (commodities × industries + FD) or no ``imports`` key for years
    BEA's mirror does not carry (2022). Units: million current USD.
    """
    folder = folder or data_dir() / "us_bea_summary"
    use_path = folder / f"Summary_Use_{year}_PRO_BeforeRedef_17sch.csv"
    make_path = folder / f"Summary_Make_{year}_BeforeRedef_17sch.csv"
    use = _read_coded(use_path)
    make = _read_coded(make_path)
    industries = [c for c in make.index if c != "Total Commodity Output"]
    _require(use, industries + ["Total Intermediate", "Total Final Uses (GDP)",
                                "Total Commodity Output"], "column", use_path)
    _require(use, ["V001", "V002", "V003", "Total Value Added", "Total Industry Output"],
             "row", use_path)
    _require(make, ["Total Industry Output"], "column", make_path)
    out = {"use": use, "make": make}
    imp_path = folder / f"Summary_Import_{year}_BeforeRedef_17sch.csv"
    if imp_path.exists():
        imports = _read_coded(imp_path)
        _require(imports, industries, "column", imp_path)
        out["imports"] = imports
    return out


def read_bea_detail(folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """BEA 2017 benchmark tables at the detail level (402 industries), before redefinitions.

    Returns ``use`` (producers' prices: commodities + ``T005``/``V00100``–``V00300``/``T006``/
    ``T008`` rows × industries + ``T001`` + 20 final-demand columns + two unlabelled totals),
    ``make`` (industries + ``T007`` × commodities + ``T008``), ``imports`` (commodities ×
    industries + final demand) and ``industry_names`` (code → name). Million USD.
    """
    folder = folder or data_dir() / "us_bea_detail_2017"
    use_path = folder / "Detail_Use_2017_PRO_BeforeRedef_17sch.csv.gz"
    make_path = folder / "Detail_Make_2017_BeforeRedef_17sch.csv.gz"
    imp_path = folder / "Detail_Import_2017_BeforeRedef_17sch.csv.gz"
    use = _read_coded(use_path, index="rownames")
    make = _read_coded(make_path, index="rownames")
    imports = _read_coded(imp_path, index="rownames")
    _require(make, ["T007"], "row", make_path)
    _require(make, ["T008"], "column", make_path)
    industries = [r for r in make.index if r != "T007"]
    commodities = [c for c in make.columns if c != "T008"]
    _require(use, industries + ["F04000", "F05000"], "column", use_path)
    _require(use, commodities + ["V00100", "V00200", "V00300", "T008"], "row", use_path)
    _require(imports, industries, "column", imp_path)
    _require(imports, commodities, "row", imp_path)
    names_path = folder / "Detail_IndustryCodeName_2017.csv"
    if not names_path.exists():
        raise IngestError("file not found", file=str(names_path))
    names = pd.read_csv(names_path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    _require(names, ["BEA_2017_Detail_Industry_Code", "BEA_2017_Detail_Industry_Name"],
             "column", names_path)
    names = pd.Series(names["BEA_2017_Detail_Industry_Name"].str.strip().to_numpy(),
                      index=names["BEA_2017_Detail_Industry_Code"].str.strip())
    return {"use": use, "make": make, "imports": imports, "industry_names": names.to_frame("name")}


def read_mic_basic(folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """Japan MIC 2015 basic table: 509 goods (7-digit rows) × 391 activities (6-digit columns).

    Returns ``table`` (goods + 9 value-added rows + ``Total`` × activities + 14 final-demand
    columns + ``Total``; imports negative; billion yen), ``make`` (the V table, goods ×
    activities + ``Total``: which activity makes which good) and ``labels`` (row code →
    official ``name_ja`` and ``name_en``, friendshore's translation in
    ``mic2015_basic_names_en.csv``, checked to carry the same Japanese name per code).
    """
    folder = folder or data_dir() / "japan_mic_2015_basic"
    path = folder / "mic2015_basic_io_transactions_billion_yen.csv.gz"
    v_path = folder / "mic2015_basic_make_V_table_billion_yen.csv.gz"
    table = _read_coded(path, index=None, skip=2).fillna(0.0)
    make = _read_coded(v_path, index=None, skip=2).fillna(0.0)
    _require(table, ["Total"], "row", path)
    _require(table, ["Total", "impo", "expo"], "column", path)
    goods = [r for r in table.index if r[:1].isdigit()]
    activities = [c for c in table.columns if c[:1].isdigit()]
    if list(make.index) != goods + ["Total"]:
        raise IngestError("V table rows differ from the transactions table's goods",
                          file=v_path.name, field=make.index.name)
    if list(make.columns) != activities + ["Total"]:
        raise IngestError("V table columns differ from the transactions table's activities",
                          file=v_path.name, row=3)
    sets_path = folder / "mic2015_basic_sets.csv"
    if not sets_path.exists():
        raise IngestError("file not found", file=str(sets_path))
    sets = pd.read_csv(sets_path, dtype=str, header=None, skiprows=3, keep_default_na=False,
                       encoding="utf-8-sig")
    rows = sets.loc[sets[0] != "", [0, 1]]
    labels = pd.DataFrame({"name_ja": rows[1].str.strip().to_numpy()},
                          index=pd.Index(rows[0].str.strip().to_numpy(), name="code"))
    missing = [g for g in goods if g not in labels.index]
    if missing:
        raise IngestError(f"no name for row code(s) {missing[:5]}", file=sets_path.name,
                          field="row")
    en_path = folder / "mic2015_basic_names_en.csv"
    en = pd.read_csv(en_path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    _require(en, ["code", "name_en", "name_ja"], "column", en_path)
    en = en.set_index("code")
    for code in goods:
        if code not in en.index or not en.at[code, "name_en"]:
            raise IngestError(f"no English name for {code}", file=en_path.name, field="name_en")
        if en.at[code, "name_ja"] != labels.at[code, "name_ja"]:
            raise IngestError(f"{code}: name_ja differs from {sets_path.name}",
                              file=en_path.name, row=en.index.get_loc(code) + 2,
                              field="name_ja")
    labels["name_en"] = en["name_en"].reindex(labels.index)
    return {"table": table, "make": make, "labels": labels}


def read_mic(level: int, folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """Japan MIC 2015 basic transactions table (producer prices) at 13, 37 or 185 sectors.

    Returns ``table`` (sectors + VA rows × sectors + FD columns, billion yen, empty = 0) and
    ``labels`` (code, name_ja[, name_en]). Codes stay strings (``"0111"``).
    """
    folder = folder or data_dir() / "japan_mic_2015"
    path = folder / f"japan_io_2015_{level}sector_billion_yen.csv"
    lab_path = folder / f"japan_io_2015_{level}sector_labels.csv"
    if not path.exists():
        raise IngestError(f"no MIC table at {level} sectors", file=str(path))
    table = _read_coded(path, index="row_code").fillna(0.0)
    labels = pd.read_csv(lab_path, dtype=str, encoding="utf-8-sig")
    _require(table, ["Total"], "row", path)
    _require(table, ["Total", "impo", "expo"], "column", path)
    sectors = [c for c in table.columns if c[:1].isdigit()]
    if sectors != [r for r in table.index if r[:1].isdigit()]:
        raise IngestError("sector rows and columns differ", file=path.name, field="row_code")
    if len(sectors) != level:
        raise IngestError(f"{len(sectors)} sectors, expected {level}", file=path.name)
    return {"table": table, "labels": labels}


def read_wiod(folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """WIOD 2013 release, WIOT 2011: ``Z`` (1435×1435), ``F`` (1435×205), ``x``, industry names.

    Million current USD, rounded to integers by the R mirror.
    """
    folder = folder or data_dir() / "wiod2013_2011"
    z_path = folder / "wiot2011_Z_intermediate_musd.parquet"
    f_path = folder / "wiot2011_F_final_demand_musd.parquet"
    x_path = folder / "wiot2011_x_gross_output_musd.csv"
    for p in (z_path, f_path, x_path):
        if not p.exists():
            raise IngestError("file not found", file=str(p))
    Z = pd.read_parquet(z_path).astype(float)
    F = pd.read_parquet(f_path).astype(float)
    x = pd.read_csv(x_path, dtype={"output_musd": float}).set_index("row")["output_musd"]
    if list(Z.index) != list(Z.columns):
        raise IngestError("Z row and column labels differ", file=z_path.name, field="row")
    if list(F.index) != list(Z.index) or list(x.index) != list(Z.index):
        raise IngestError("labels differ from Z's", file=f_path.name, field="row")
    if x.isna().any():
        bad = int(np.flatnonzero(x.isna().to_numpy())[0])
        raise IngestError("missing output", file=x_path.name, row=bad + 2, field="output_musd")
    names = pd.read_csv(folder / "wiod2013_industries.csv", dtype=str)
    return {"Z": Z, "F": F, "x": x.to_frame(), "industries": names}


def shipped() -> list[Path]:
    """The shipped IO folders (one source each)."""
    return [data_dir() / name for name in SOURCES]


def read(path: Path) -> dict[str, pd.DataFrame]:
    """Validate one shipped folder; the tables stay in files, so no store rows are returned."""
    name = Path(path).name
    if name == "us_bea_summary":
        for year in (2017, 2022, 2023):
            read_bea(year, Path(path))
    elif name == "us_bea_detail_2017":
        read_bea_detail(Path(path))
    elif name == "japan_mic_2015":
        for level in (13, 37, 185):
            read_mic(level, Path(path))
    elif name == "japan_mic_2015_basic":
        read_mic_basic(Path(path))
    elif name == "wiod2013_2011":
        read_wiod(Path(path))
    else:
        raise IngestError("not an IO table folder", file=str(path))
    return {}


def load(store, path: Path) -> int:
    """Record the folder in the store's ``sources`` table (the tables are read from files)."""
    name = Path(path).name
    if name not in SOURCES:
        raise IngestError("not an IO table folder", file=str(path))
    source, edition, first, last = SOURCES[name]
    return store.replace_source(source, KIND, {}, edition=edition, path=str(path),
                                years=(first, last))
