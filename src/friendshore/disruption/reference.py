"""Reference implementation: the engine's allocation rounds solved as one LP per draw.

For each draw and round, with suppliers i (pool_i) and consumers j (need_j)::

    maximise  t
    s.t.      Σ_i y_ij − t·need_j = 0      for every consumer j with need_j > 0
              Σ_j y_ij <= pool_i           for every supplier i
              0 <= t <= 1,  y_ij >= 0

solved with scipy's HiGHS. The consumers' receipts ``t*·need_j`` are unique, so the
vectorised equal-share rule :func:`~friendshore.disruption.steps.fill` must match them; the tests
check this to 1e-6 on random networks and the benchmark measures the speed-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from ..errors import SolverError
from ..network.supply import SupplyNetwork
from ..scenario.spec import Scenario
from .engine import StressResult, run_scenario

__all__ = ["lp_fill", "run_reference"]


def _lp_one(pool: np.ndarray, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One draw's round as an LP; returns (given (I,), used (S,))."""
    sup = np.flatnonzero(pool > 0)
    con = np.flatnonzero(need > 0)
    given, used = np.zeros_like(need), np.zeros_like(pool)
    if not len(sup) or not len(con):
        return given, used
    ns, nc = len(sup), len(con)
    nv = ns * nc + 1  # y (row-major supplier x consumer), then t
    ys = np.arange(ns * nc)
    eq = coo_matrix(
        (np.r_[np.ones(ns * nc), -need[con]],
         (np.r_[ys % nc, np.arange(nc)], np.r_[ys, np.full(nc, nv - 1)])),
        shape=(nc, nv),
    )
    ub = coo_matrix((np.ones(ns * nc), (ys // nc, ys)), shape=(ns, nv))
    c = np.zeros(nv)
    c[-1] = -1.0
    res = linprog(c, A_ub=ub.tocsr(), b_ub=pool[sup], A_eq=eq.tocsr(), b_eq=np.zeros(nc),
                  bounds=[(0, None)] * (nv - 1) + [(0, 1)], method="highs")
    if res.status != 0:
        raise SolverError(f"reference allocation LP failed: {res.message}")
    y = res.x[:-1].reshape(ns, nc)
    given[con] = y.sum(axis=0)
    used[sup] = y.sum(axis=1)
    return given, used


def lp_fill(pool: Any, need: Any) -> tuple[np.ndarray, np.ndarray]:
    """Drop-in for :func:`~friendshore.disruption.steps.fill`: one LP per draw (row)."""
    pool, need = np.asarray(pool, dtype=float), np.asarray(need, dtype=float)
    given, used = np.zeros_like(need), np.zeros_like(pool)
    for b in range(need.shape[0]):
        given[b], used[b] = _lp_one(pool[b], need[b])
    return given, used


def run_reference(
    scenario: Scenario,
    network: SupplyNetwork,
    *,
    draws: int | None = None,
    seed: int | None = None,
    countries: Sequence[str] | None = None,
) -> StressResult:
    """The scenario with every allocation round solved as an LP, one draw at a time."""
    return run_scenario(scenario, network, draws=draws, seed=seed, countries=countries,
                        allocate=lp_fill, check=True)
