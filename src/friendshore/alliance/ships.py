"""Shipbuilding shares: GT delivered per country as a share of UNCTAD's world total.

share(c, y) = GT(c, y) / GT(World, y), where GT(World, y) is UNCTAD's own World row (code
0000), so the shares match UNCTAD's published percentages. Aggregate rows never enter.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..errors import UnknownNameError

__all__ = ["bloc_share", "data_age", "shares"]


def shares(built: pd.DataFrame, world: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """``{country, year, gt, share}`` per country (share a fraction of world GT), largest first.

    ``year`` picks one year (an unknown year lists the available ones).
    """
    years = sorted(int(y) for y in world["year"])
    if year is not None and int(year) not in years:
        raise UnknownNameError("year", str(year), [str(y) for y in years], where="ships")
    df = built.merge(world, on="year", how="inner")
    if year is not None:
        df = df[df["year"] == int(year)]
    df = df.assign(share=df["gt"] / df["world_gt"])
    out = df[["country", "year", "gt", "share"]].sort_values(
        ["year", "gt", "country"], ascending=[True, False, True]
    )
    return out.reset_index(drop=True)


def bloc_share(table: pd.DataFrame, members: Iterable[str]) -> pd.Series:
    """Summed share per year of the countries in ``members`` (e.g. China alone, or allies)."""
    keep = set(members)
    years = sorted(table["year"].unique())
    return (
        table[table["country"].isin(keep)].groupby("year")["share"].sum()
        .reindex(years, fill_value=0.0).rename("share")
    )


def data_age(table: pd.DataFrame) -> str:
    """A sentence stating the vintage of the shipbuilding data."""
    latest = int(table["year"].max())
    return (f"UNCTADstat ships built by country of building (GT delivered), "
            f"{int(table['year'].min())}-{latest}; latest year {latest} (export of Oct 2020).")
