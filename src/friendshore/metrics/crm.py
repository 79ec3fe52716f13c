"""EU Critical Raw Materials supply risk (SR), European Commission (2017) methodology.

European Commission (2017), *Methodology for establishing the EU list of critical raw
materials: guidelines*, and its JRC background report, Blengini et al. (2017), *Assessment of
the methodology for establishing the EU list of critical raw materials*, EUR 28654 EN,
doi:10.2760/73303 (supply risk)::

    SR = [ HHI_WGI,t(GS) · IR/2 + HHI_WGI,t(EU sourcing) · (1 − IR/2) ] · (1 − EOL_RIR) · SI_SR

with ``HHI_WGI,t = Σ_i s_i² · WGI_i · t_i`` (shares of global supply *GS* or of EU sourcing,
the 0–10 rescaled WGI and the export-restriction factor ``t``), ``IR`` the EU import
reliance, ``EOL_RIR`` the end-of-life recycling input rate and ``SI_SR`` the substitution
index for supply risk. Without EU sourcing data the global-supply form is used:
``SR = HHI_WGI,t(GS) · (1 − EOL_RIR) · SI_SR``.

``IR = (M − X) / (P + M − X)`` (imports and exports with the rest of the world, domestic
production ``P``) is :func:`friendshore.metrics.exposure.net_import_reliance`.
:func:`sourcing_hhi_wgi` gives ``HHI_WGI(EU sourcing)`` of a region's sourcing mix: its own
production by producing country plus its imports by origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .concentration import concentration_table

__all__ = ["eu_supply_risk", "sourcing_hhi_wgi"]


def eu_supply_risk(
    hhi_wgi_gs: float | np.ndarray,
    eol_rir: float | np.ndarray = 0.0,
    si_sr: float | np.ndarray = 1.0,
    *,
    hhi_wgi_eu: float | np.ndarray | None = None,
    import_reliance: float | np.ndarray | None = None,
) -> np.ndarray:
    """EU CRM supply risk; the global-supply form unless EU sourcing and IR are both given.

    NaN in any input gives NaN (unknown), never 0."""
    gs = np.asarray(hhi_wgi_gs, dtype=float)
    if hhi_wgi_eu is not None and import_reliance is not None:
        ir = np.asarray(import_reliance, dtype=float)
        base = gs * ir / 2 + np.asarray(hhi_wgi_eu, dtype=float) * (1 - ir / 2)
    else:
        base = gs
    return base * (1 - np.asarray(eol_rir, dtype=float)) * np.asarray(si_sr, dtype=float)


def sourcing_hhi_wgi(
    domestic: pd.DataFrame,
    imports: pd.DataFrame,
    wgi_scaled: Mapping[str, float] | pd.Series,
    *,
    wgi_missing: float = float("nan"),
    trade_factor: Mapping[str, float] | pd.Series | None = None,
    keys: Sequence[str] = ("commodity", "stage"),
) -> pd.Series:
    """``HHI_WGI,t`` of a sourcing mix (the EC 2017 "EU sourcing" term) per ``keys`` group.

    ``domestic`` has the keys, ``country`` and ``value`` (the region's own production by
    producing country); ``imports`` has the keys, ``exporter`` and ``value`` (imports by origin
    in the production basis). Shares are of domestic production plus imports, each weighted by
    its country's scaled WGI and export-restriction factor ``t`` (default 1). An import with an
    unknown quantity counts as withheld (no share), as in ``concentration_table``."""
    keys = list(keys)
    rows = pd.concat([
        domestic[[*keys, "country", "value"]],
        imports[[*keys, "exporter", "value"]].rename(columns={"exporter": "country"}),
    ], ignore_index=True)
    if rows.empty:
        empty = pd.MultiIndex.from_tuples([], names=keys)
        return pd.Series(dtype=float, index=empty, name="hhi_wgi")
    conc = concentration_table(rows, keys=keys, wgi_scaled=wgi_scaled, wgi_missing=wgi_missing,
                               trade_factor=trade_factor)
    return conc.set_index(keys)["hhi_wgi"]
