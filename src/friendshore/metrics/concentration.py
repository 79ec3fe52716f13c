"""Concentration metrics: country shares, HHI, governance-weighted HHI, top and group shares.

Pure functions on arrays and long DataFrames, no store access. Formulas (see docs/risk.md):

* share of country *i*: ``s_i = P_i / P_world`` where ``P_world`` is the sum of the country
  rows and the ``Other countries`` residual (the atlas convention, so ``supply`` and ``risk``
  agree); the source's rounded ``World total`` is used only when no row has a value;
* ``HHI = Σ s_i²`` over named countries (0–1); ``HHI_10000 = 10 000 · HHI`` (shares in %);
  aggregate rows (``Other countries``) and withheld values take no part, so HHI is a lower
  bound where a residual is unallocated;
* ``HHI_WGI = Σ s_i² · WGI_i · t_i`` (EC 2017 CRM methodology), with ``WGI_i`` the mean of the
  six WGI estimates rescaled to 0 (best governance) … 10 (worst): ``WGI_i = 2 · (2.5 − g_i)``,
  and ``t_i`` the export-restriction factor (1 = none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "WGI_MAX",
    "WGI_MIN",
    "concentration_table",
    "group_share",
    "hhi",
    "hhi_10000",
    "hhi_wgi",
    "scale_wgi",
    "shares",
    "top_shares",
]

#: Range of the WGI estimates (standard normal units, clipped by the World Bank to ±2.5).
WGI_MIN, WGI_MAX = -2.5, 2.5


def shares(values: Sequence[float] | np.ndarray, total: float | None = None) -> np.ndarray:
    """Each value over ``total`` (default: the sum of the finite values); NaN stays NaN.

    A missing or non-positive total gives NaN shares: no share can be computed."""
    v = np.asarray(values, dtype=float)
    denom = np.nansum(v) if total is None else float(total)
    if not np.isfinite(denom) or denom <= 0:
        return np.full(v.shape, np.nan)
    return v / denom


def hhi(s: Sequence[float] | np.ndarray) -> float:
    """Herfindahl-Hirschman index on the 0–1 scale: Σ s_i² over the finite shares.

    NaN when no share is finite (nothing known), never 0."""
    a = np.asarray(s, dtype=float)
    a = a[np.isfinite(a)]
    return float(np.sum(a * a)) if a.size else float("nan")


def hhi_10000(s: Sequence[float] | np.ndarray) -> float:
    """HHI on the 0–10 000 scale (shares in percent, as in antitrust practice)."""
    return 10_000.0 * hhi(s)


def scale_wgi(estimate: float | np.ndarray | pd.Series) -> np.ndarray | float | pd.Series:
    """Rescale a WGI estimate (−2.5 … 2.5, higher is better) to 0 … 10 (higher is *worse*).

    ``WGI_scaled = 2 · (2.5 − g)`` after clipping ``g`` to ±2.5, as the EC (2017) CRM
    methodology rescales the WGI for the governance-weighted HHI."""
    return 2.0 * (WGI_MAX - np.clip(estimate, WGI_MIN, WGI_MAX))


def hhi_wgi(
    s: Sequence[float] | np.ndarray,
    wgi_scaled: Sequence[float] | np.ndarray,
    t: Sequence[float] | np.ndarray | float = 1.0,
) -> float:
    """Governance-weighted HHI Σ s_i² · WGI_i · t_i (0 … 10 when t = 1); NaN if no share."""
    a = np.asarray(s, dtype=float)
    w = np.broadcast_to(np.asarray(wgi_scaled, dtype=float), a.shape)
    tt = np.broadcast_to(np.asarray(t, dtype=float), a.shape)
    ok = np.isfinite(a)
    if not ok.any():
        return float("nan")
    return float(np.sum(a[ok] ** 2 * w[ok] * tt[ok]))


def top_shares(s: Sequence[float] | np.ndarray, k: int = 1) -> float:
    """Combined share of the ``k`` largest finite shares; NaN when none is finite."""
    a = np.asarray(s, dtype=float)
    a = a[np.isfinite(a)]
    return float(np.sort(a)[::-1][:k].sum()) if a.size else float("nan")


def group_share(
    s: Sequence[float] | np.ndarray, countries: Sequence[str], members: Iterable[str]
) -> float:
    """Summed share of the countries in ``members`` (listed producers only: a lower bound)."""
    a = np.asarray(s, dtype=float)
    mask = np.isin(np.asarray(countries, dtype=object), list(members)) & np.isfinite(a)
    if not np.isfinite(a).any():
        return float("nan")
    return float(a[mask].sum())


def concentration_table(
    frame: pd.DataFrame,
    *,
    keys: Sequence[str] = ("commodity", "stage", "year"),
    wgi_scaled: Mapping[str, float] | pd.Series | None = None,
    wgi_missing: float = float("nan"),
    trade_factor: Mapping[str, float] | pd.Series | None = None,
    allies: Iterable[str] = (),
    china: str = "CHN",
) -> pd.DataFrame:
    """Concentration metrics per ``keys`` group of a long production table, vectorised.

    ``frame`` has the ``keys``, ``country`` (ISO3, or ``WLD`` / ``OTH``) and ``value``. The
    total is the sum of the country and ``OTH`` rows (``WLD`` only as a fallback, and reported
    as ``world_reported``); ``OTH`` counts towards it but never in HHI.
    ``wgi_scaled`` maps ISO3 to the 0–10 WGI; countries without one get ``wgi_missing``.

    Returns one row per group: world_production, world_reported, n_countries, coverage (named
    share), hhi, hhi_10000, hhi_wgi, top_country, top_share, top3_share, china_share, allied_share.
    China's share is 0 only when China is not listed and no residual is unallocated
    (coverage ≈ 1); else NaN when unlisted. The allied share sums listed allies (a lower bound).
    """
    keys = list(keys)
    df = frame[[*keys, "country", "value"]]
    is_world = df["country"].eq("WLD")
    world = df[is_world].groupby(keys, dropna=False)["value"].max(min_count=1).rename("world")
    named = df[~is_world & ~df["country"].eq("OTH")]
    pos_named = named[named["value"].notna()]
    sums = (
        df[~is_world].groupby(keys, dropna=False)["value"].sum(min_count=1).rename("sum_rows")
    )
    out = pd.concat([world, sums], axis=1)
    out["world_production"] = out["sum_rows"].where(out["sum_rows"].gt(0), out["world"])
    out.loc[~out["world_production"].gt(0), "world_production"] = np.nan

    p = pos_named.join(out["world_production"], on=keys)
    p = p.assign(share=p["value"] / p["world_production"])
    wmap = pd.Series(wgi_scaled if wgi_scaled is not None else {}, dtype=float)
    tmap = pd.Series(trade_factor if trade_factor is not None else {}, dtype=float)
    w = p["country"].map(wmap).fillna(wgi_missing).to_numpy()
    t = p["country"].map(tmap).fillna(1.0).to_numpy()
    s = p["share"].to_numpy()
    p = p.assign(
        sq=s * s,
        sq_wgi=s * s * w * t,
        ally=np.where(p["country"].isin(list(allies)), s, 0.0),
        cn=np.where(p["country"].eq(china), s, np.nan),
    )
    g = p.groupby(keys, dropna=False)
    agg = pd.DataFrame(
        {
            "n_countries": g["share"].count(),
            "coverage": g["share"].sum(min_count=1),
            "hhi": g["sq"].sum(min_count=1),
            "hhi_wgi": g["sq_wgi"].sum(min_count=1),
            "allied_share": g["ally"].sum(min_count=1),
            "china_listed": g["cn"].max(),
        }
    )
    ranked = p.sort_values([*keys, "share"], ascending=[True] * len(keys) + [False])
    ranked = ranked.assign(rank=ranked.groupby(keys, dropna=False).cumcount())
    top = ranked[ranked["rank"].eq(0)].set_index(keys)[["country", "share"]]
    top.columns = ["top_country", "top_share"]
    top3 = ranked[ranked["rank"].lt(3)].groupby(keys, dropna=False)["share"].sum()
    agg = agg.join(top).join(top3.rename("top3_share"))
    china_in = named[named["country"].eq(china)].groupby(keys, dropna=False).size()
    res = out[["world_production", "world"]].rename(columns={"world": "world_reported"})
    res = res.join(agg, how="left")
    listed = res.index.isin(china_in.index)
    complete = res["coverage"].ge(1 - 1e-9)
    res["china_share"] = np.where(
        listed, res["china_listed"], np.where(complete, 0.0, np.nan)
    )
    res.loc[res["world_production"].isna(), ["hhi", "hhi_wgi", "allied_share", "china_share"]] = (
        np.nan
    )
    if np.isnan(wgi_missing):
        # any share without a WGI value makes the weighted HHI unknown
        miss = p[p["country"].map(wmap).isna()].groupby(keys, dropna=False).size()
        res.loc[res.index.isin(miss.index), "hhi_wgi"] = np.nan
    res["hhi_10000"] = 10_000.0 * res["hhi"]
    cols = [
        "world_production", "world_reported", "n_countries", "coverage", "hhi", "hhi_10000",
        "hhi_wgi", "top_country", "top_share", "top3_share", "china_share", "allied_share",
    ]
    res = res[cols].reset_index()
    res["n_countries"] = res["n_countries"].fillna(0).astype(int)
    return res
