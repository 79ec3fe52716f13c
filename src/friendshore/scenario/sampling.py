"""Seeded draws of a scenario's uncertain numbers into arrays, one value per draw.

All draws are taken up front with one ``numpy.random.Generator`` (PCG64) seeded with the
scenario seed, in a fixed order (events in YAML order, fields in the order of
``_Event.distributions``), so a run is reproducible whatever the chunk size or backend::

    >>> from friendshore.scenario.spec import Uniform
    >>> a = draw(Uniform(dist="uniform", low=0.8, high=1.0), 4, np.random.default_rng(7))
    >>> bool(((a >= 0.8) & (a <= 1.0)).all()), a.shape
    (True, (4,))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .spec import Fixed, LogNormal, Normal, Scenario, Triangular, Uniform

__all__ = ["MONTH_FIELDS", "draw", "sample_scenario"]

#: Fields counted in whole months: draws are rounded to the nearest month.
MONTH_FIELDS = frozenset({"months", "start_month", "online_month"})


def draw(dist: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws of one distribution (float64)."""
    if isinstance(dist, Fixed):
        return np.full(n, dist.value)
    if isinstance(dist, Uniform):
        return rng.uniform(dist.low, dist.high, n)
    if isinstance(dist, Triangular):
        if dist.low == dist.high:
            return np.full(n, dist.low)
        return rng.triangular(dist.low, dist.mode, dist.high, n)
    if isinstance(dist, Normal):
        return np.clip(rng.normal(dist.mean, dist.sd, n), dist.low, dist.high)
    if isinstance(dist, LogNormal):
        return np.clip(rng.lognormal(dist.mu, dist.sigma, n), dist.low, dist.high)
    raise TypeError(f"not a distribution: {dist!r}")


def sample_scenario(
    scenario: Scenario, draws: int, seed: int
) -> dict[tuple[str, int, str], np.ndarray]:
    """Every uncertain field of every shock and response, keyed ``(part, index, field)``.

    ``part`` is ``"shocks"`` or ``"responses"``; month fields are rounded to whole months.
    """
    rng = np.random.default_rng(seed)
    out: dict[tuple[str, int, str], np.ndarray] = {}
    for part in ("shocks", "responses"):
        for i, event in enumerate(getattr(scenario, part)):
            if not hasattr(event, "distributions"):
                continue
            for name, dist in event.distributions().items():
                values = draw(dist, draws, rng)
                out[(part, i, name)] = np.rint(values) if name in MONTH_FIELDS else values
    return out
