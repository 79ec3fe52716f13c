"""Ripple benchmarks: shock vectors on the national tables, multipliers on WIOD vs pymrio.

Run by hand: ``python bench/bench_ripple.py``. Prints timings and ratios measured in the same
run; paste the output into bench/RESULTS.md (append a dated section).

1. 10,000 shock vectors on BEA 2023 (71) and MIC 2015 (185): LU-factorise once, solve all
   right-hand sides (Leontief and Ghosh), against a per-shock ``np.linalg.solve`` (which
   refactorises every time), and the full ``gdp_change`` over 10,000 draws.
2. WIOD 2011 (1,435 country-industries): our A, LU and Type I multipliers (output, value
   added) against pymrio's ``IOSystem.calc_all`` (dense inverse L, then S and M = S L).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from friendshore.iomodel import iomath
from friendshore.iomodel.gdp import gdp_change
from friendshore.iomodel.tables import IOTable, bea_table, mic_table, wiod_table

SHOCKS = 10_000


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs, seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def shocks_bench() -> None:
    """Section 1 on BEA 2023 and MIC 2015 (185 sectors), one random stream for both."""
    rng = np.random.default_rng(0)
    for t in (bea_table(2023), mic_table(185)):
        _shocks_on(t, rng)


def _shocks_on(t: IOTable, rng: np.random.Generator) -> None:
    """Time and print section 1 for table ``t`` (a function, so closures bind this table)."""
    Y = rng.uniform(0, 1, (t.n, SHOCKS))
    A, B = t.A, t.B

    def factored() -> None:
        iomath.solve(iomath.factor(A), Y)
        iomath.solve_T(iomath.factor(B), Y)

    k = 200  # the per-shock reference is slow: time k shocks and scale to SHOCKS
    eye = np.eye(t.n)

    def per_shock() -> None:
        for j in range(k):
            np.linalg.solve(eye - A, Y[:, j])
            np.linalg.solve((eye - B).T, Y[:, j])

    fast = best(factored)
    slow = best(per_shock, 1) * SHOCKS / k
    sigma, price = rng.uniform(0, 1, SHOCKS), rng.uniform(1, 3, SHOCKS)
    gdp_change(t.country, "cobalt", sigma[:2], price[:2])  # warm caches
    gdp = best(lambda: gdp_change(t.country, "cobalt", sigma, price))
    gdp_capped = best(lambda: gdp_change(t.country, "gold", sigma, price))
    print(f"{t.source} {t.year} ({t.n} sectors), {SHOCKS:,} shocks:")
    print(f"  factorise once + solve all (Leontief + Ghosh): {fast * 1e3:8.1f} ms")
    print(f"  per-shock np.linalg.solve (ref, {k} timed):    {slow * 1e3:8.1f} ms"
          f"  -> {slow / fast:6.1f}x faster")
    print(f"  gdp_change over {SHOCKS:,} draws (cobalt, linear path): {gdp * 1e3:8.1f} ms")
    print(f"  gdp_change over {SHOCKS:,} draws (gold, caps bind):     "
          f"{gdp_capped * 1e3:8.1f} ms")


def wiod_bench() -> None:
    import pymrio

    t = wiod_table()
    labels = pd.MultiIndex.from_tuples([tuple(c.split("_", 1)) for c in t.labels],
                                       names=["region", "sector"])
    Z = pd.DataFrame(t.Z, index=labels, columns=labels)
    Y = pd.DataFrame(t.f, index=labels, columns=pd.MultiIndex.from_tuples(
        [("ALL", "FD")], names=["region", "category"]))
    F = pd.DataFrame([t.va], index=["value added"], columns=labels)

    def ours() -> dict[str, np.ndarray]:
        A = iomath.calc_A(t.Z, t.x)
        lu = iomath.factor(A)
        return iomath.calc_multipliers(lu, {"output": np.ones(t.n),
                                            "value_added": iomath.calc_coefficients(t.va, t.x)})

    def theirs() -> pymrio.IOSystem:
        io = pymrio.IOSystem(Z=Z.copy(), Y=Y.copy(), x=pd.DataFrame(
            t.x, index=labels, columns=["indout"]))
        io.factor_inputs = pymrio.Extension(name="factor_inputs", F=F.copy())
        io.calc_all()
        return io

    ours_t, theirs_t = best(ours), best(theirs, 2)
    m, io = ours(), theirs()
    pm = io.factor_inputs.M.loc["value added"].to_numpy()
    diff = np.abs(pm - m["value_added"]).max()
    out_diff = np.abs(io.L.to_numpy().sum(axis=0) - m["output"]).max()
    print(f"WIOD 2011 ({t.n} country-industries), multipliers (output, value added):")
    print(f"  friendshore iomath (A, LU, one transposed solve): {ours_t * 1e3:8.1f} ms")
    print(f"  pymrio {pymrio.__version__} IOSystem.calc_all (inverse L, S, M):  "
          f"{theirs_t * 1e3:8.1f} ms  -> {theirs_t / ours_t:6.1f}x faster")
    print(f"  max |difference|: value-added multipliers {diff:.2e}, output multipliers "
          f"{out_diff:.2e}")


if __name__ == "__main__":
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, nproc={os.cpu_count()}, "
          f"load={os.getloadavg()[0]:.1f}")
    shocks_bench()
    wiod_bench()
