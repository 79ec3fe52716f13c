"""Detailed end-use bridge: which detailed IO industries buy a commodity, and how much of their
output depends on it.

The bridge is data (``data/bridge/``, sources in its PROVENANCE.md), checked here on load:

* ``detail_end_use.csv``: per country (USA: BEA 2017 detail industry codes; JPN: MIC 2015 basic
  row codes), commodity and the market stage that industries buy, the industries that consume it
  with ``share`` (of the country's use of that commodity and stage; sums to 1 per key) and
  ``dependent_share`` (share of the industry's output in product lines that contain the
  commodity), with the basis, the source and an ``estimate`` flag per row;
* ``consumption.csv``: quantity consumed per country, commodity and stage (metric tons);
* ``prices.csv``: price per commodity and stage (US dollars per metric ton of the stated basis);
* ``industry_codes.csv``: the raw code lists the industry labels are checked against.

A row whose ``dependent_basis`` starts with ``WHOLE_INDUSTRY`` treats the whole industry as
dependent for want of product-line data; ``whole_industry`` is true on those rows. The mineral
requirement per unit of dependent output of industry j follows as
r_j = share_j · Q / (dependent_share_j · x_j), with Q the country's consumption and x_j the
industry's output.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from ..conventions.commodities import STAGES, all_commodities
from ..errors import IngestError, UnknownNameError

__all__ = [
    "COUNTRIES", "ELEMENT_SLUGS", "WHOLE_INDUSTRY", "check_consumption", "check_end_use",
    "check_prices", "consumption", "consumption_table", "coverage", "end_use", "end_use_table",
    "industry_codes", "price", "price_table", "whole_industry_share",
]

COUNTRIES = ("USA", "JPN")
#: Rare-earth element markets agreed between helpers (INTERFACES.md); valid before they exist in
#: ``commodities.csv``.
ELEMENT_SLUGS = ("ndpr", "dysprosium", "terbium", "samarium", "gadolinium", "lutetium", "yttrium",
                 "lanthanum", "cerium", "holmium", "erbium", "europium", "ytterbium", "scandium")
#: Prefix of ``dependent_basis`` on rows that treat the whole industry as dependent.
WHOLE_INDUSTRY = "whole industry treated as dependent (flagged)"
SHARE_TOL = 1e-4

END_USE_FILE, CONSUMPTION_FILE, PRICES_FILE = ("detail_end_use.csv", "consumption.csv",
                                               "prices.csv")
_END_USE_COLS = ("country", "commodity", "stage", "industry", "end_use", "share",
                 "dependent_share", "dependent_basis", "source", "estimate")
_CONSUMPTION_COLS = ("country", "commodity", "stage", "year", "quantity", "unit", "source",
                     "estimate")
_PRICE_COLS = ("commodity", "stage", "year", "price_usd_per_t", "basis", "source", "estimate")


def _read(name: str) -> pd.DataFrame:
    path = resources.files("friendshore") / "data" / "bridge" / name
    with path.open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@cache
def industry_codes(country: str) -> frozenset[str]:
    """The detailed industry codes of ``country`` (BEA 2017 detail; MIC 2015 basic rows)."""
    if country not in COUNTRIES:
        raise UnknownNameError("bridge country", country, COUNTRIES)
    codes = _read("industry_codes.csv")
    return frozenset(codes.loc[codes["country"] == country, "code"])


def _stages(slug: str) -> tuple[str, ...] | None:
    """The market stages of ``slug`` (None if the slug is unknown)."""
    known = all_commodities().get(slug)
    if known is not None:
        return known.stages
    return STAGES if slug in ELEMENT_SLUGS else None


def _columns(df: pd.DataFrame, cols: tuple[str, ...], file: str) -> None:
    for col in cols:
        if col not in df.columns:
            raise IngestError("missing column", file=file, row=1, field=col)


def _market(rec: pd.Series, row: int, file: str) -> None:
    """Check the commodity slug and its stage of one row."""
    stages = _stages(rec["commodity"])
    if stages is None:
        raise IngestError(f"unknown commodity slug {rec['commodity']!r}", file=file, row=row,
                          field="commodity")
    if rec["stage"] not in stages:
        raise IngestError(f"stage {rec['stage']!r} is not a stage of {rec['commodity']} "
                          f"({', '.join(stages)})", file=file, row=row, field="stage")


def _number(rec: pd.Series, field: str, row: int, file: str, *, upper: float | None = None
            ) -> float:
    """``rec[field]`` as a number in (0, upper] (upper=None: no upper bound)."""
    try:
        value = float(rec[field])
    except ValueError:
        raise IngestError(f"not a number: {rec[field]!r}", file=file, row=row,
                          field=field) from None
    if not value > 0 or (upper is not None and value > upper + 1e-12):
        bound = f"(0, {upper:g}]" if upper is not None else "> 0"
        raise IngestError(f"{value:g} is outside {bound}", file=file, row=row, field=field)
    return value


def _common(rec: pd.Series, row: int, file: str, text: tuple[str, ...]) -> None:
    """Non-empty text fields and a true|false ``estimate``."""
    for field in text:
        if not rec[field].strip():
            raise IngestError("empty", file=file, row=row, field=field)
    if rec["estimate"] not in ("true", "false"):
        raise IngestError(f"estimate must be true or false, not {rec['estimate']!r}", file=file,
                          row=row, field="estimate")


def _unique(df: pd.DataFrame, key: list[str], file: str) -> None:
    dup = df.duplicated(key, keep="first")
    if dup.any():
        i = int(dup.idxmax())
        raise IngestError(f"duplicate {'/'.join(df.loc[i, key])}", file=file, row=i + 2,
                          field=key[-1])


def _country(rec: pd.Series, row: int, file: str) -> None:
    if rec["country"] not in COUNTRIES:
        raise IngestError(f"country must be one of {', '.join(COUNTRIES)}", file=file, row=row,
                          field="country")


def check_end_use(df: pd.DataFrame, file: str = END_USE_FILE) -> pd.DataFrame:
    """Validate a raw (all-text) end-use table and return it typed.

    Checks per row: country, commodity slug and stage, industry code in the country's code list,
    0 < share ≤ 1, 0 < dependent_share ≤ 1, non-empty end_use/dependent_basis/source, estimate
    true|false; one row per country/commodity/stage/industry; shares sum to 1 per key.
    Raises :class:`IngestError` naming file, row and field.
    """
    _columns(df, _END_USE_COLS, file)
    df = df.reset_index(drop=True)
    for i, rec in df.iterrows():
        row = int(i) + 2
        _country(rec, row, file)
        _market(rec, row, file)
        if rec["industry"] not in industry_codes(rec["country"]):
            raise IngestError(f"{rec['industry']!r} is not a {rec['country']} detailed industry "
                              "code", file=file, row=row, field="industry")
        _number(rec, "share", row, file, upper=1.0)
        _number(rec, "dependent_share", row, file, upper=1.0)
        _common(rec, row, file, ("end_use", "dependent_basis", "source"))
    _unique(df, ["country", "commodity", "stage", "industry"], file)
    out = df.copy()
    out["share"] = out["share"].astype(float)
    out["dependent_share"] = out["dependent_share"].astype(float)
    out["estimate"] = out["estimate"].eq("true")
    out["whole_industry"] = out["dependent_basis"].str.startswith(WHOLE_INDUSTRY)
    sums = out.groupby(["country", "commodity", "stage"], sort=False)["share"].sum()
    off = sums[(sums - 1).abs() > SHARE_TOL]
    if len(off):
        key = off.index[0]
        first = out.index[(out["country"] == key[0]) & (out["commodity"] == key[1])
                          & (out["stage"] == key[2])][0]
        raise IngestError(f"shares of {'/'.join(key)} sum to {off.iloc[0]:.4f}, not 1",
                          file=file, row=int(first) + 2, field="share")
    return out


def check_consumption(df: pd.DataFrame, file: str = CONSUMPTION_FILE) -> pd.DataFrame:
    """Validate a raw consumption table (quantity > 0 in ``t``, a year, a source) and type it."""
    _columns(df, _CONSUMPTION_COLS, file)
    df = df.reset_index(drop=True)
    for i, rec in df.iterrows():
        row = int(i) + 2
        _country(rec, row, file)
        _market(rec, row, file)
        _year(rec, row, file)
        _number(rec, "quantity", row, file)
        if rec["unit"] != "t":
            raise IngestError(f"unit must be t (metric tons), not {rec['unit']!r}", file=file,
                              row=row, field="unit")
        _common(rec, row, file, ("source",))
    _unique(df, ["country", "commodity", "stage"], file)
    out = df.copy()
    out["year"] = out["year"].astype(int)
    out["quantity"] = out["quantity"].astype(float)
    out["estimate"] = out["estimate"].eq("true")
    return out


def check_prices(df: pd.DataFrame, file: str = PRICES_FILE) -> pd.DataFrame:
    """Validate a raw price table (price > 0 USD per t, a year, basis and source) and type it."""
    _columns(df, _PRICE_COLS, file)
    df = df.reset_index(drop=True)
    for i, rec in df.iterrows():
        row = int(i) + 2
        _market(rec, row, file)
        _year(rec, row, file)
        _number(rec, "price_usd_per_t", row, file)
        _common(rec, row, file, ("basis", "source"))
    _unique(df, ["commodity", "stage"], file)
    out = df.copy()
    out["year"] = out["year"].astype(int)
    out["price_usd_per_t"] = out["price_usd_per_t"].astype(float)
    out["estimate"] = out["estimate"].eq("true")
    return out


def _year(rec: pd.Series, row: int, file: str) -> None:
    if not (rec["year"].isdigit() and 1990 <= int(rec["year"]) <= 2100):
        raise IngestError(f"not a year: {rec['year']!r}", file=file, row=row, field="year")


@cache
def end_use_table() -> pd.DataFrame:
    """The shipped ``detail_end_use.csv``, validated (see :func:`check_end_use`)."""
    return check_end_use(_read(END_USE_FILE))


@cache
def consumption_table() -> pd.DataFrame:
    """The shipped ``consumption.csv``, validated."""
    return check_consumption(_read(CONSUMPTION_FILE))


@cache
def price_table() -> pd.DataFrame:
    """The shipped ``prices.csv``, validated."""
    return check_prices(_read(PRICES_FILE))


def _keys(df: pd.DataFrame, cols: list[str]) -> list[str]:
    return sorted({"/".join(k) for k in df[cols].itertuples(index=False, name=None)})


def end_use(country: str, commodity: str, stage: str) -> pd.DataFrame:
    """The end-use rows of ``country``/``commodity``/``stage`` (shares sum to 1), indexed by
    industry code; an :class:`UnknownNameError` lists the covered keys when there are none."""
    t = end_use_table()
    rows = t[(t["country"] == country) & (t["commodity"] == commodity) & (t["stage"] == stage)]
    if rows.empty:
        raise UnknownNameError("end-use key", f"{country}/{commodity}/{stage}",
                               _keys(t, ["country", "commodity", "stage"]))
    return rows.set_index("industry").drop(columns=["country", "commodity", "stage"])


def consumption(country: str, commodity: str, stage: str) -> pd.Series:
    """The consumption row (year, quantity in t, source, estimate) of the key."""
    t = consumption_table()
    rows = t[(t["country"] == country) & (t["commodity"] == commodity) & (t["stage"] == stage)]
    if rows.empty:
        raise UnknownNameError("consumption key", f"{country}/{commodity}/{stage}",
                               _keys(t, ["country", "commodity", "stage"]))
    return rows.iloc[0]


def price(commodity: str, stage: str) -> float:
    """Price of ``commodity``/``stage`` in US dollars per metric ton of its basis."""
    t = price_table()
    rows = t[(t["commodity"] == commodity) & (t["stage"] == stage)]
    if rows.empty:
        raise UnknownNameError("price key", f"{commodity}/{stage}",
                               _keys(t, ["commodity", "stage"]))
    return float(rows["price_usd_per_t"].iloc[0])


def coverage() -> pd.DataFrame:
    """One row per commodity/stage of the bridge: which countries have end uses and
    consumption, whether a price exists, and the share of rows that are estimates or flagged
    whole-industry."""
    t, c, p = end_use_table(), consumption_table(), price_table()
    out = []
    for (commodity, stage), g in t.groupby(["commodity", "stage"], sort=True):
        used = c[(c["commodity"] == commodity) & (c["stage"] == stage)]
        out.append({
            "commodity": commodity, "stage": stage,
            "end_use_countries": "|".join(sorted(g["country"].unique())),
            "consumption_countries": "|".join(sorted(used["country"])),
            "price": bool(((p["commodity"] == commodity) & (p["stage"] == stage)).any()),
            "rows": len(g),
            "estimate_rows": int(g["estimate"].sum()),
            "whole_industry_rows": int(g["whole_industry"].sum()),
        })
    return pd.DataFrame(out)


@cache
def whole_industry_share(country: str, commodity: str, stage: str | None = None
                         ) -> float | None:
    """Share of ``country``'s use of ``commodity`` at ``stage`` on rows flagged
    whole-industry; without ``stage`` the mean over its bridged stages (each stage's shares
    summing to 1). None when the bridge has no rows for it. A high share means the GDP cost
    is an upper bound."""
    t = end_use_table()
    rows = t[(t["country"] == country) & (t["commodity"] == commodity)]
    if stage is not None:
        rows = rows[rows["stage"] == stage]
    if rows.empty:
        return None
    flagged = rows["share"].where(rows["whole_industry"], 0.0)
    per_stage = flagged.groupby(rows["stage"]).sum() / rows["share"].groupby(rows["stage"]).sum()
    return float(per_stage.mean())
