"""Risk benchmark: warm ``friendshore risk`` over all commodities (issue 2 budget: < 2 s).

Run by hand: ``python bench/bench_risk.py [--repeat 5]``. It builds a store once (cold start
is bench_atlas's job), then times, in the same run:

* the whole CLI, ``friendshore risk --json`` over every commodity, as fresh processes on the
  warm store (imports included, as a user pays them);
* the risk table computed inside one warm process, bypassing ``risk()``'s cache (vectorised
  over all commodities), and one call served from that cache;
* a reference that computes the same rows one commodity at a time (uncached, in a loop,
  the per-commodity path the vectorised query replaces), once.

It prints wall and CPU seconds, each figure's ratio to the 2 s budget, the reference /
vectorised ratio and the machine's load average (other work on a shared machine inflates
wall time; CPU time is the steadier figure).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 2.0


def cli_runs(store: Path, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + sys) seconds of ``friendshore risk --json`` in fresh processes."""
    env = {**os.environ, "FRIENDSHORE_STORE": str(store)}
    cmd = [sys.executable, "-m", "friendshore.cli", "risk", "--json"]
    if not _has_main():
        cmd = [sys.executable, "-c", "from friendshore.cli import main; main()", "risk",
               "--json"]
    wall, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        wall.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu


def _has_main() -> bool:
    import importlib.util

    return importlib.util.find_spec("friendshore.cli.__main__") is not None


def reference(store, commodities: list[str]) -> float:
    """Seconds to compute the same rows one commodity at a time (uncached, in a loop)."""
    from friendshore.api._risk import _risk_table
    from friendshore.assumptions import Assumptions

    a = Assumptions()
    t = time.perf_counter()
    for c in commodities:
        _risk_table(store, a, {c}, None)
    return time.perf_counter() - t


def main() -> None:
    """Run the benchmark and print a Markdown section for bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from friendshore.api._risk import _risk_table, risk
    from friendshore.assumptions import Assumptions
    from friendshore.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        Store(path).close()  # build once: warm from here on
        cli, cli_cpu = cli_runs(path, args.repeat)
        with Store(path) as store:
            risk(store=store)  # first call warms DuckDB's caches (and risk()'s own cache)
            api_t, api_cpu = [], []
            for _ in range(args.repeat):  # the computation itself, bypassing the cache
                t, c = time.perf_counter(), time.process_time()
                df = _risk_table(store, Assumptions(), None, None)
                api_t.append(time.perf_counter() - t)
                api_cpu.append(time.process_time() - c)
            t = time.perf_counter()
            risk(store=store)
            cached = time.perf_counter() - t
            ref = reference(store, sorted(df["commodity"].unique()))
    med = statistics.median
    print(f"rows: {len(df)} commodity x stage, {df['commodity'].nunique()} commodities; "
          f"repeat {args.repeat}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs")
    print("| measure | wall median s | wall min s | CPU median s | wall ratio to 2 s |")
    print("|---|---|---|---|---|")
    print(f"| `friendshore risk --json`, fresh process, warm store | {med(cli):.2f} | "
          f"{min(cli):.2f} | {med(cli_cpu):.2f} | {med(cli) / BUDGET_S:.2f} |")
    print(f"| risk table computed (cache bypassed), all commodities | {med(api_t):.3f} | "
          f"{min(api_t):.3f} | {med(api_cpu):.3f} | {med(api_t) / BUDGET_S:.3f} |")
    print(f"| `friendshore.risk()` served from its cache | {cached:.4f} | | | "
          f"{cached / BUDGET_S:.4f} |")
    print(f"| reference: the table one commodity at a time, once | {ref:.2f} | | | "
          f"{ref / BUDGET_S:.2f} |")
    print(f"\nreference / vectorised: {ref / max(med(api_t), 1e-9):.1f}x")


if __name__ == "__main__":
    main()
