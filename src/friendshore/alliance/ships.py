"""Shipbuilding shares: GT delivered per country as a share of UNCTAD's world total.

share(c, y) = GT(c, y) / GT(World, y), where GT(World, y) is UNCTAD's own World row (code
0000), so the shares match UNCTAD's published percentages. Aggregate rows never enter. Years
whose file names only some economies (2020-2025: UNCTAD's tables list the leaders) give bloc
shares that are lower bounds; ``series`` marks them with ``all_listed = False``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import UnknownNameError

__all__ = ["bloc_share", "data_age", "segment_shares", "series", "shares"]

#: countries shown one by one in the series (the three large builders)
SERIES_COUNTRIES = ("CHN", "KOR", "JPN")


def shares(built: pd.DataFrame, world: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """``{country, year, gt, share, basis}`` per country (share of world GT), largest first.

    ``year`` picks one year (an unknown year lists the available ones).
    """
    years = sorted(int(y) for y in world["year"])
    if year is not None and int(year) not in years:
        raise UnknownNameError("year", str(year), [str(y) for y in years], where="ships")
    df = built.drop(columns=["all_listed"], errors="ignore").merge(
        world[["year", "world_gt"]], on="year", how="inner")
    if year is not None:
        df = df[df["year"] == int(year)]
    df = df.assign(share=df["gt"] / df["world_gt"])
    if "basis" not in df:
        df = df.assign(basis="reported")
    out = df[["country", "year", "gt", "share", "basis"]].sort_values(
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


def series(table: pd.DataFrame, world: pd.DataFrame, allies: Iterable[str]) -> pd.DataFrame:
    """Per year: world GT, share of each of :data:`SERIES_COUNTRIES` (NaN where the year's data
    do not name it), ``listed`` (share of world GT in named economies), the allied share
    (members named that year; NaN when none is) and ``all_listed`` (False: the allied share is
    a lower bound).
    """
    wide = table.pivot_table(index="year", columns="country", values="share", aggfunc="sum")
    out = world.set_index("year")[["world_gt", "all_listed"]].astype({"all_listed": bool})
    for c in SERIES_COUNTRIES:
        out[c] = wide.get(c, np.nan)
    out["listed"] = table.groupby("year")["share"].sum()
    allies = set(allies)
    named = table[table["country"].isin(allies)].groupby("year").size()
    out["allied_share"] = bloc_share(table, allies).where(named.reindex(out.index) > 0)
    cols = ["world_gt", *SERIES_COUNTRIES, "listed", "allied_share", "all_listed"]
    return out[cols].reset_index()


def segment_shares(segments: pd.DataFrame) -> pd.DataFrame:
    """Per year and ship type: world GT and the share of China, Korea and Japan.

    share(c, s) = GT(c, s) / GT(World, s); an empty frame when no segment data are loaded.
    """
    if segments.empty:
        return pd.DataFrame(columns=["year", "segment", "world_gt", *SERIES_COUNTRIES])
    wide = segments.pivot_table(index=["year", "segment"], columns="country", values="gt")
    out = pd.DataFrame({"world_gt": wide["WLD"]})
    for c in SERIES_COUNTRIES:
        out[c] = wide[c] / wide["WLD"]
    return out.reset_index().sort_values(["year", "world_gt"], ascending=[True, False],
                                         ignore_index=True)


def data_age(table: pd.DataFrame) -> str:
    """A sentence stating the vintage of the shipbuilding data."""
    latest = int(table["year"].max())
    return (f"UNCTAD ships built by country of building (GT delivered), "
            f"{int(table['year'].min())}-{latest}; latest year {latest} (UNCTADstat export of "
            f"Oct 2020 to 2019; UNCTADstat and Review of Maritime Transport 2025 for 2020-{latest},"
            f" which name only the leading builders).")
