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
"""

from __future__ import annotations

import numpy as np

__all__ = ["eu_supply_risk"]


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
