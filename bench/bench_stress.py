"""Stress benchmark (issue 3 budgets), all figures measured in the same run.

Run by hand: ``python bench/bench_stress.py [--backend numpy|cupy] [--record]``.

1. 100,000 draws of a single-commodity scenario (China restricts 80-100 % of refined
   gallium exports for 6-24 months) on the network built from the shipped data: < 5 s;
   peak resident memory is printed (budget 2 GB).
2. The vectorised engine vs the LP-per-draw reference (every allocation round a HiGHS LP)
   at 1,000 draws: ratio >= 100x; the two answers are compared (max abs difference).
3. A full sweep (every exporter with >= 10 % of world supply x commodity x stage, a full
   12-month restriction) at 1,000 draws per scenario: < 60 s.

``--backend cupy`` runs (1) and (3) on the GPU through CuPy (the LP reference stays on the
CPU). ``--record`` appends a dated section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

SCENARIO = {
    "name": "bench-gallium",
    "horizon_months": 24,
    "shocks": [{
        "kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
        "stage": "refine", "cut": {"dist": "uniform", "low": 0.8, "high": 1.0},
        "targets": "all", "months": {"dist": "triangular", "low": 6, "mode": 12, "high": 24},
    }],
}


def _timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    """Run the three benchmarks and print (and optionally record) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="numpy", choices=["numpy", "cupy"])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--lp-draws", type=int, default=1000)
    parser.add_argument("--sweep-draws", type=int, default=1000)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    os.environ.setdefault("FRIENDSHORE_STORE",
                          str(Path(tempfile.gettempdir()) / "friendshore-bench-stress.duckdb"))

    import numpy as np

    from friendshore.disruption.engine import run_scenario
    from friendshore.disruption.reference import run_reference
    from friendshore.disruption.sweep import run_sweep
    from friendshore.network import build_network
    from friendshore.scenario import parse_scenario
    from friendshore.store import open_store

    store = open_store()
    t_build, net = _timed(lambda: build_network(store))
    sc = parse_scenario(SCENARIO)
    run_scenario(sc, net, draws=100, backend=args.backend)  # warm-up (imports, CuPy kernels)

    t_big, _ = _timed(lambda: run_scenario(sc, net, draws=args.draws, seed=1,
                                           backend=args.backend), repeat=3)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t_vec, fast = _timed(lambda: run_scenario(sc, net, draws=args.lp_draws, seed=2), repeat=3)
    t_lp, ref = _timed(lambda: run_reference(sc, net, draws=args.lp_draws, seed=2))
    diff = float(np.abs(fast.shortfall_t - ref.shortfall_t).max())

    t_sweep, sweep = _timed(lambda: run_sweep(net, draws=args.sweep_draws, seed=0,
                                              backend=args.backend))

    lines = [
        f"- network build from the store (cold, once per process): {t_build:.2f} s "
        f"({len(net.markets)} markets x {len(net.countries)} countries)",
        f"- {args.draws:,} draws, single-commodity scenario ({args.backend}): {t_big:.2f} s "
        f"(budget 5 s, {5 / t_big:.1f}x under); peak RSS {rss_mb:.0f} MB (budget 2 GB)",
        f"- {args.lp_draws:,} draws: vectorised {t_vec * 1000:.1f} ms vs LP-per-draw reference "
        f"{t_lp:.2f} s -> **{t_lp / t_vec:.0f}x** (budget >= 100x); max |difference| "
        f"{diff:.2e} t",
        f"- full sweep, {sweep['scenarios']} scenarios x {args.sweep_draws:,} draws "
        f"({args.backend}): {t_sweep:.2f} s (budget 60 s, {60 / t_sweep:.1f}x under)",
    ]
    print("\n".join(lines))
    if args.record:
        head = (f"\n## Stress engine ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
                f"{platform.node() or 'sandbox'}: {os.cpu_count()} cores, "
                f"{platform.python_implementation()} {platform.python_version()}, "
                f"backend {args.backend})\n\n`python bench/bench_stress.py"
                f"{' --backend cupy' if args.backend == 'cupy' else ''}`, ratios from one run:\n\n")
        path = Path(__file__).with_name("RESULTS.md")
        with path.open("a", encoding="utf-8") as fh:
            fh.write(head + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
