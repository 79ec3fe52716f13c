"""Chart data from per-draw stress results, shared by the dashboard and the HTML reports.

The summaries (mean, P5, P50, P95, CVaR) come from the stress API; the charts need the shape
of each distribution, which these functions reduce to histograms and quantile bands so that
a 100,000-draw run sends a few kilobytes, not every draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .. import api as fs_api
from ..results import jsonable

__all__ = ["FAN_QUANTILES", "histogram", "stress_distributions", "stress_with_distributions"]

#: Quantiles (percent) of the months-of-cover fan chart bands.
FAN_QUANTILES = (5, 25, 50, 75, 95)


def histogram(values: np.ndarray, bins: int = 40) -> dict[str, list[float]]:
    """Bin edges and counts of ``values`` (a constant array gives one bin)."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"edges": [], "counts": []}
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-12:
        return {"edges": [lo, lo + max(abs(lo) * 1e-3, 1e-6)], "counts": [int(v.size)]}
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    return {"edges": edges.tolist(), "counts": counts.tolist()}


def _fan(paths: np.ndarray) -> dict[str, list[float]]:
    """Per-month quantile bands of ``paths`` (draws, months)."""
    qs = np.percentile(paths, FAN_QUANTILES, axis=0)
    out: dict[str, list[float]] = {"month": list(range(1, paths.shape[1] + 1))}
    out.update({f"p{q}": band.tolist() for q, band in zip(FAN_QUANTILES, qs, strict=True)})
    return out


def stress_distributions(result: Any, bins: int = 40) -> dict[str, Any]:
    """Per country of interest: histograms of shortfall %, price multiplier and stockpile
    months, the quantiles of end-of-horizon cover, and the monthly cover fan (quantile bands
    of ``result.cover_paths(country)``, draws x months)."""
    out: dict[str, Any] = {}
    for country in result.countries:
        arrays = result.country_arrays(country)
        cover = np.asarray(arrays["stockpile_months"], dtype=float)
        entry: dict[str, Any] = {
            "shortfall_pct": histogram(np.asarray(arrays["shortfall_share"]) * 100.0, bins),
            "price_multiplier": histogram(arrays["price_multiplier"], bins),
            "stockpile_months": histogram(cover, bins),
            "cover_quantiles": dict(zip((f"p{q}" for q in FAN_QUANTILES),
                                        np.percentile(cover, FAN_QUANTILES).tolist(),
                                        strict=True)),
        }
        entry["cover_fan"] = _fan(np.asarray(result.cover_paths(country), dtype=float))
        out[country] = entry
    return out


def stress_with_distributions(
    scenario: Any,
    *,
    draws: int | None = None,
    seed: int | None = None,
    countries: Sequence[str] | None = None,
    assumptions: Mapping[str, Any] | None = None,
    save: bool = False,
    charts: bool = True,
    progress: Callable[[float], None] | None = None,
    store: Any = None,
) -> dict[str, Any]:
    """``friendshore.stress(...)``'s JSON body, plus ``distributions`` when ``charts``.

    The scenario runs once (:func:`friendshore.run_stress`); the summary
    (:func:`friendshore.summarise_stress`) and the distributions both come from that result,
    so they describe the very same draws.
    """
    result = fs_api.run_stress(
        scenario, draws=draws, seed=seed, countries=countries, assumptions=assumptions,
        store=store, progress=progress,
    )
    out = jsonable(fs_api.summarise_stress(result, save=save, store=store))
    if charts:
        out["distributions"] = stress_distributions(result)
    return out
