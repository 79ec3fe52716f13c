"""Benchmark: the GDP cost of a stress run (dependent-output model) and the sweep with GDP.

    python bench/bench_gdp.py [--repeat 3] [--draws 100000] [--sweep-draws 1000]

1. ``china-gallium-germanium-ban`` at ``--draws``: the stress run, then the GDP of both
   countries (``stress_gdp``) on the same result; reference in the same process: the exact
   joint LP solved per draw on the first 200 draws (what the interpolation replaces).
2. ``sweep`` with GDP for USA and JPN at ``--sweep-draws`` draws per scenario, and the same
   sweep without GDP (``gdp=None``) as the reference.
Each measurement is repeated; min and median are printed.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def timed(fn, repeat: int) -> tuple[list[float], object]:
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return times, out


def show(label: str, times: list[float]) -> float:
    med = statistics.median(times)
    print(f"  {label}: min {min(times):.3f} s, median {med:.3f} s")
    return med


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--sweep-draws", type=int, default=1000)
    args = ap.parse_args()

    from friendshore.api._base import get_store
    from friendshore.api._ripple import stress_gdp
    from friendshore.api._stress import run_stress, sweep
    from friendshore.disruption.sweep import run_sweep
    from friendshore.iomodel import shortfall
    from friendshore.iomodel.dependent import JointProgramme
    from friendshore.network.build import build_network

    name = "china-gallium-germanium-ban"
    run_stress(name, draws=1000, seed=1)                       # warm: store, tables
    for c in ("USA", "JPN"):
        stress_gdp(run_stress(name, draws=1000, seed=1), c)
    print(f"{name}, {args.draws:,} draws, {args.repeat} runs:")
    t_run, res = timed(lambda: run_stress(name, draws=args.draws, seed=1), args.repeat)
    m_run = show("stress run", t_run)
    t_gdp, _ = timed(lambda: [stress_gdp(res, c) for c in ("USA", "JPN")], args.repeat)
    m_gdp = show("GDP of USA and JPN", t_gdp)
    print(f"  GDP adds {m_gdp:.3f} s to a {m_run:.2f} s run ({m_gdp / m_run:.1%})")

    c = res.countries.index("USA")
    markets = shortfall.bridged_markets("USA", list(res.markets))
    system = shortfall._system("USA", tuple(markets), 3.46)
    prog = JointProgramme(system, tuple(f"{a}/{b}" for a, b in markets))
    at = {m: i for i, m in enumerate(res.markets)}
    sig = np.column_stack([res.shortfall_share[:200, at[m], c] for m in markets])
    t_lp, _ = timed(lambda: [prog.solve(s) for s in sig], 1)
    per_lp = t_lp[0] / len(sig)
    per_interp = min(t_gdp) / 2 / args.draws
    print(f"  reference: exact LP per draw {per_lp * 1e3:.2f} ms (200 draws); interpolated "
          f"{per_interp * 1e6:.2f} us per draw and country -> {per_lp / per_interp:,.0f}x")

    print(f"sweep, {args.sweep_draws:,} draws per scenario, USA and JPN, {args.repeat} runs:")
    t_sw, out = timed(lambda: sweep(draws=args.sweep_draws), args.repeat)
    m_sw = show("sweep with GDP", t_sw)
    net = build_network(get_store())
    t_ref, _ = timed(lambda: run_sweep(net, draws=args.sweep_draws), args.repeat)
    m_ref = show("reference: the same sweep without GDP", t_ref)
    print(f"  {out['scenario_count']} scenarios; GDP costs {m_sw / m_ref:.2f}x the sweep alone")


if __name__ == "__main__":
    main()
