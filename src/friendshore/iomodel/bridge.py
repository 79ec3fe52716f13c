"""Commodity → first-use industries: which IO industries consume a mineral, and how much.

The mapping is data (``data/bridge/*.csv``), not code:

* ``us_first_use.csv``: commodity slug → BEA summary industry, share of the commodity's use,
  the BEA commodity that supplies it, ``estimate``/``unmapped`` flags and a source per row;
* ``jpn_first_use.csv``: the same onto MIC 2015 185-sector codes, with the US industry whose
  commodity intensity Japan borrows (``us_industry``);
* ``us_consumption_value.csv``: the value of US consumption per commodity, computed from the
  USGS MCS2025 salient files by ``tools/make_us_values.py`` (quantity × price, columns named);
* ``energy_consumption_value.csv``: a country's own value of consumption of an energy commodity
  (LNG) from energy statistics, with quantity, price and source per row; it takes precedence
  over the USGS value, and gives Japan a value of its own instead of the borrowed US intensity.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from ..errors import IngestError, UnknownNameError

__all__ = ["FirstUse", "bridge_table", "consumption_value", "first_use", "own_consumption_value",
           "own_values", "unmapped"]

FILES = {"USA": "us_first_use.csv", "JPN": "jpn_first_use.csv"}
_CODE_COL = {"USA": "industry", "JPN": "sector"}


def _read(name: str) -> pd.DataFrame:
    path = resources.files("friendshore") / "data" / "bridge" / name
    with path.open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@cache
def bridge_table(country: str) -> pd.DataFrame:
    """The first-use table of ``country`` ('USA' or 'JPN'), validated, shares as floats."""
    if country not in FILES:
        raise UnknownNameError("bridge country", country, FILES)
    name = FILES[country]
    df = _read(name)
    code = _CODE_COL[country]
    for col in ("commodity", code, "share", "supplier", "estimate", "unmapped", "source"):
        if col not in df.columns:
            raise IngestError("missing column", file=name, row=1, field=col)
    df["unmapped"] = df["unmapped"].str.lower().eq("true")
    df["estimate"] = df["estimate"].str.lower().eq("true")
    df["share"] = pd.to_numeric(df["share"].replace("", None), errors="coerce")
    mapped = df[~df["unmapped"]]
    bad = mapped[mapped["share"].isna() | (mapped["share"] <= 0) | (mapped[code] == "")]
    if len(bad):
        raise IngestError("mapped row needs an industry and a positive share", file=name,
                          row=int(bad.index[0]) + 2, field="share")
    sums = mapped.groupby("commodity")["share"].sum()
    off = sums[(sums - 1).abs() > 1e-4]
    if len(off):
        row = int(mapped.index[mapped["commodity"] == off.index[0]][0]) + 2
        raise IngestError(f"shares of {off.index[0]} sum to {off.iloc[0]:.4f}, not 1",
                          file=name, row=row, field="share")
    return df.rename(columns={code: "industry"})


@dataclass(frozen=True)
class FirstUse:
    """First-use industries of one commodity in one country (empty when unmapped)."""

    country: str
    commodity: str
    rows: pd.DataFrame
    unmapped: bool

    @property
    def shares(self) -> pd.Series:
        """Share of the commodity's use per first-use industry code (sums to 1)."""
        s = self.rows.set_index("industry")["share"]
        return s / s.sum()


def first_use(country: str, commodity: str) -> FirstUse:
    """First-use rows of ``commodity`` for ``country``; unknown slugs raise with matches."""
    df = bridge_table(country)
    rows = df[df["commodity"] == commodity]
    if rows.empty:
        raise UnknownNameError("commodity", commodity, sorted(df["commodity"].unique()),
                               where=f"{FILES[country]}")
    mapped = rows[~rows["unmapped"]].reset_index(drop=True)
    return FirstUse(country, commodity, mapped, unmapped=mapped.empty)


def unmapped(country: str = "USA") -> list[str]:
    """Commodities flagged ``unmapped`` (no first-use industry) for ``country``."""
    df = bridge_table(country)
    return sorted(df.loc[df["unmapped"], "commodity"].unique())


@cache
def _values() -> pd.DataFrame:
    df = _read("us_consumption_value.csv")
    df["value_usd"] = pd.to_numeric(df["value_usd"])
    return df.set_index("commodity")


@cache
def _value_map() -> dict[str, float]:
    """commodity -> US consumption value (MCS2025 salient data), as a thread-safe dict."""
    return {str(k): float(v) for k, v in _values()["value_usd"].items()}


def consumption_value(commodity: str) -> float | None:
    """Value of US consumption of ``commodity`` in USD (energy statistics, else MCS2025
    salient data), or None."""
    own = own_consumption_value("USA", commodity)
    if own is not None:
        return own
    return _value_map().get(commodity)


@cache
def own_values() -> pd.DataFrame:
    """Countries' own consumption values (``energy_consumption_value.csv``), validated."""
    name = "energy_consumption_value.csv"
    df = _read(name)
    for col in ("country", "commodity", "year", "value_usd", "estimate", "source"):
        if col not in df.columns:
            raise IngestError("missing column", file=name, row=1, field=col)
    df["value_usd"] = pd.to_numeric(df["value_usd"], errors="coerce")
    bad = df[df["value_usd"].isna() | (df["value_usd"] <= 0) | (df["source"] == "")]
    if len(bad):
        raise IngestError("row needs a positive value_usd and a source", file=name,
                          row=int(bad.index[0]) + 2, field="value_usd")
    df["estimate"] = df["estimate"].str.lower().eq("true")
    return df.set_index(["country", "commodity"])


@cache
def _own_value_map() -> dict[tuple[str, str], float]:
    """(country, commodity) -> own consumption value: a plain dict, because a pandas
    MultiIndex builds its lookup tables lazily and threads racing on the first lookup fail."""
    return {key: float(v) for key, v in own_values()["value_usd"].items()}


def own_consumption_value(country: str, commodity: str) -> float | None:
    """``country``'s own value of consumption of ``commodity`` (USD), or None if not shipped."""
    return _own_value_map().get((country, commodity))
