"""The sweep on Dask (issue 12 item 4): 1 local worker against 2, and one process, each 3 times.

Run by hand: ``python bench/bench_dask.py [--scenarios N] [--repeat R] [--record]``.

The work is the USGS-size sweep (every exporter with >= 10 % of a market withholds all exports
for 12 months, 1,000 draws, GDP for USA and JPN), its scenarios repeated under new seeds up to
``--scenarios`` (default 400), as in bench/bench_scale.py. Each Dask run times what a user
waits for: a LocalCluster of 1 or 2 worker processes started, the network scattered to every
worker, the batches run (every worker loads its IO tables on its first GDP) and the cluster
closed. The reference is the same scenarios in this process, every table it needs already
loaded (a long-lived process). Each Dask result is compared with the reference: shortfall and
price are equal, GDP differs by BLAS rounding (Dask gives each worker one BLAS thread), about
1e-15 of the value. ``--record`` appends to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import statistics
import tempfile
import time
from pathlib import Path

from _record import record


def timed(fn, repeat: int) -> tuple[list[float], object]:
    """Wall times of ``repeat`` calls of ``fn`` and the last result."""
    out, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        out.append(time.perf_counter() - t)
    return out, result


def fmt(ts: list[float]) -> str:
    """Min and median of a list of timings."""
    return f"min {min(ts):.2f} s, median {statistics.median(ts):.2f} s"


def worst_difference(a: list, b: list) -> float:
    """Largest difference between two lists of scenario summaries, relative to each value's
    size (absolute below 1); they must hold the same scenarios, countries and fields."""
    worst = 0.0
    for x, y in zip(a, b, strict=True):
        for c in x:
            for f, summary in x[c].items():
                for s, u in (summary or {}).items():
                    v = y[c][f][s]
                    worst = max(worst, abs(u - v) / max(1.0, abs(u)))
    return worst


def on_local(workers: int, todo, net, gdp):
    """The scenarios on a LocalCluster of ``workers`` single-thread processes started here."""
    from dask.distributed import LocalCluster

    from friendshore.disruption.sweep import run_scenarios

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        return run_scenarios(todo, net, scheduler=cluster.scheduler_address, gdp=gdp)


def main() -> None:
    """Run the benchmark and print (and optionally record) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    os.environ.setdefault("FRIENDSHORE_STORE",
                          str(Path(tempfile.gettempdir()) / "friendshore-bench-dask.duckdb"))

    import dask
    import distributed

    from friendshore.api._base import get_store
    from friendshore.api._ripple import sweep_gdp
    from friendshore.assumptions import Assumptions
    from friendshore.disruption.sweep import TASKS_PER_THREAD, run_scenarios, sweep_scenarios
    from friendshore.network.build import build_network

    net = build_network(get_store(None), Assumptions({}))
    base = [sc for sc, _ in sweep_scenarios(net, ["USA", "JPN"], 1000, 7)]
    todo = [base[i % len(base)].with_settings(seed=7 + i // len(base))
            for i in range(args.scenarios)]
    load_before = os.getloadavg()[0]
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    # every GDP table loaded (cached per country and commodity), as in a long-lived process
    run_scenarios([s.with_settings(draws=10) for s in base], net, gdp=sweep_gdp)
    ref_t, ref = timed(lambda: run_scenarios(todo, net, gdp=sweep_gdp), args.repeat)
    say(f"{len(todo)} scenarios x 1,000 draws with GDP (USA, JPN), {args.repeat} runs each:")
    say(f"  one process (reference, IO tables warm): {fmt(ref_t)}")
    per = {}
    for workers in (1, 2):
        ts, out = timed(lambda w=workers: on_local(w, todo, net, sweep_gdp), args.repeat)
        per[workers] = ts
        say(f"  LocalCluster, {workers} worker{'s' * (workers > 1)} (start, scatter, run, "
            f"close): {fmt(ts)}; differs from one process by {worst_difference(ref, out):.0e}")
    m1, m2, mr = (statistics.median(per[1]), statistics.median(per[2]),
                  statistics.median(ref_t))
    say(f"  2 workers / 1 worker: {m1 / m2:.2f}x faster (median); 2 workers / one process: "
        f"{mr / m2:.2f}x; 1 worker / one process: {m1 / mr:.2f}x the time (the start)")
    size = math.ceil(len(todo) / (2 * TASKS_PER_THREAD))
    batch = todo[:size]
    say(f"  scaling model with 2 workers: {math.ceil(len(todo) / size)} tasks of {size} "
        f"scenarios; per task {len(pickle.dumps(batch)) / 1e3:.0f} kB of scenarios out and "
        f"{len(pickle.dumps(ref[:size])) / 1e3:.0f} kB of summaries back; the network "
        f"{len(pickle.dumps(net, protocol=5)) / 1e6:.1f} MB once per worker")
    load_after = os.getloadavg()[0]
    say(f"  load average {load_before:.1f} before, {load_after:.1f} after "
        f"({os.cpu_count()} cores)")

    if args.record:
        record("Sweep on Dask: 1 vs 2 local workers (bench/bench_dask.py)", lines,
               f", dask {dask.__version__}, distributed {distributed.__version__}",
               f"`python bench/bench_dask.py --scenarios {len(todo)} --repeat {args.repeat}`:")

if __name__ == "__main__":
    main()
