"""The stress engine on a GPU (issue 12 item 5): draws and the USGS-size sweep per backend.

Run by ``bench/gpu_check.sh`` (or by hand): ``python bench/bench_gpu.py --backends numpy,cupy
[--draws N] [--scenarios N]``. For each backend, after a warm-up run (CUDA start, kernels):

1. ``--draws`` draws (default 1,000,000) of one shock (China restricts 80-100 % of refined
   gallium for 6-24 months, as in bench/bench_scale.py), run as runs of at most MAX_DRAWS draws
   under successive seeds; outputs come back to the host at the end of each run, so the time
   includes every copy.
2. ``--scenarios`` sweep scenarios (default 1,200) x 1,000 draws with GDP for USA and JPN: the
   sweep of every exporter with >= 10 % of a market, repeated under new seeds (GDP runs on
   the host on either backend; its tables are loaded before any backend is timed).

With two backends, the second's outputs are compared with the first's (largest difference
relative to scale).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_dask import worst_difference
from bench_scale import GALLIUM


def main() -> None:
    """Time each backend and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="numpy,cupy")
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--scenarios", type=int, default=1200)
    args = parser.parse_args()
    os.environ.setdefault("FRIENDSHORE_STORE",
                          str(Path(tempfile.gettempdir()) / "friendshore-bench-gpu.duckdb"))

    from friendshore.api._base import get_store
    from friendshore.api._ripple import sweep_gdp
    from friendshore.assumptions import Assumptions
    from friendshore.disruption.engine import run_scenario
    from friendshore.disruption.sweep import run_scenarios, sweep_scenarios
    from friendshore.limits import MAX_DRAWS
    from friendshore.network.build import build_network
    from friendshore.scenario.spec import parse_scenario

    net = build_network(get_store(None), Assumptions({}))
    sc = parse_scenario(GALLIUM)
    base = [s for s, _ in sweep_scenarios(net, ["USA", "JPN"], 1000, 7)]
    todo = [base[i % len(base)].with_settings(seed=7 + i // len(base))
            for i in range(args.scenarios)]
    runs = [min(MAX_DRAWS, args.draws - k) for k in range(0, args.draws, MAX_DRAWS)]
    # GDP caches its tables per country and commodity on first use: fill them before any
    # backend is timed, so that the first backend does not pay for the second
    run_scenarios([s.with_settings(draws=10) for s in todo[:len(base)]], net, gdp=sweep_gdp)
    first: dict[str, list] = {}
    for backend in args.backends.split(","):
        run_scenario(sc, net, draws=1000, seed=0, backend=backend)
        run_scenarios(todo[:2], net, backend=backend, gdp=sweep_gdp)
        t = time.perf_counter()
        short = [run_scenario(sc, net, draws=n, seed=1 + k, backend=backend).shortfall_t
                 for k, n in enumerate(runs)]
        draws_s = time.perf_counter() - t
        t = time.perf_counter()
        swept = run_scenarios(todo, net, backend=backend, gdp=sweep_gdp)
        sweep_s = time.perf_counter() - t
        print(f"{backend}: {args.draws:,} draws (gallium, {len(runs)} x up to {MAX_DRAWS:,}) "
              f"{draws_s:.2f} s; "
              f"sweep {len(todo):,} scenarios x 1,000 draws with GDP {sweep_s:.2f} s",
              flush=True)
        if not first:
            first = {"short": short, "swept": swept, "name": [backend]}
            continue
        worst = max(float(np.abs(a - b).max() / max(1.0, np.abs(a).max()))
                    for a, b in zip(first["short"], short, strict=True))
        off = worst_difference(first["swept"], swept)
        print(f"  {backend} vs {first['name'][0]}: draws' shortfall_t within {worst:.1e} of "
              f"scale; sweep summaries within {off:.1e} (relative, absolute below 1)",
              flush=True)


if __name__ == "__main__":
    main()
