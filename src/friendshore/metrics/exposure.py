"""Import exposure: net import reliance, import sources, reserves share and R/P years.

Pure functions on arrays and long DataFrames (see docs/risk.md for the definitions):

* net import reliance (USGS definition): ``NIR = NI / (P + NI)`` with net imports
  ``NI = M − X`` (apparent consumption ``P + M − X``; stock changes are not known here),
  clipped to [0, 1]; a net exporter (``NI ≤ 0``) has NIR 0, whatever its (even unknown)
  production; NIR falls as P rises, so an upper bound on P gives a lower bound on NIR;
* Japan's reliance from trade flows: the same formula with ``NI`` from BACI quantities
  converted to the commodity's content basis by a per-HS6 factor ``f`` (``NI · f``); with
  ``P = 0`` the factor cancels, with ``P > 0`` and no factor the reliance is unknown (NaN);
* import sources: each exporter's share of the importer's import value, largest first;
* reserves-to-production years ``R/P = reserves / production`` (world totals).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["import_shares", "net_import_reliance", "reserves_to_production"]


def net_import_reliance(
    production: float | np.ndarray | Sequence[float],
    imports: float | np.ndarray | Sequence[float],
    exports: float | np.ndarray | Sequence[float],
    content_factor: float | np.ndarray | Sequence[float] = 1.0,
) -> np.ndarray:
    """``clip(NI·f / (P + NI·f), 0, 1)`` with ``NI = M − X``; NaN where an input is unknown.

    A net exporter gets 0, even where ``P`` is unknown (``P >= 0``). ``f`` converts traded gross
    tonnes to the production basis; it only matters when ``P > 0`` (with ``P = 0`` any net
    importer relies 100 % on imports)."""
    p = np.asarray(production, dtype=float)
    ni = np.asarray(imports, dtype=float) - np.asarray(exports, dtype=float)
    f = np.asarray(content_factor, dtype=float)
    f = np.where(np.isfinite(f) | (p != 0), f, 1.0)  # P = 0: the basis cancels out
    ni_c = ni * f
    denom = p + ni_c
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(denom > 0, ni_c / denom, np.nan)
    out = np.where(np.isfinite(ni) & (ni <= 0), 0.0, out)
    return np.clip(out, 0.0, 1.0)


def import_shares(
    flows: pd.DataFrame, *, keys: Sequence[str] = ("commodity", "stage"), by: str = "value_usd"
) -> pd.DataFrame:
    """Each exporter's share of the importer's imports per ``keys`` group, largest first.

    ``flows`` has the ``keys``, ``exporter`` and ``by``; returns keys, exporter, ``by``,
    share and rank (0 = largest source)."""
    keys = list(keys)
    g = flows.groupby([*keys, "exporter"], as_index=False, dropna=False)[by].sum()
    total = g.groupby(keys, dropna=False)[by].transform("sum")
    g["share"] = np.where(total > 0, g[by] / total.where(total > 0), np.nan)
    g = g.sort_values([*keys, "share"], ascending=[True] * len(keys) + [False])
    g["rank"] = g.groupby(keys, dropna=False).cumcount()
    return g.reset_index(drop=True)


def reserves_to_production(
    reserves: float | np.ndarray, production: float | np.ndarray
) -> np.ndarray:
    """Static lifetime in years, ``R / P``; NaN when either is unknown or ``P ≤ 0``."""
    r = np.asarray(reserves, dtype=float)
    p = np.asarray(production, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(p > 0, r / np.where(p > 0, p, np.nan), np.nan)
