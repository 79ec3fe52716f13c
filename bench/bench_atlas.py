"""Atlas benchmark: cold start (first build of the store from the shipped data, fresh file).

Run by hand: ``python bench/bench_atlas.py [--repeat 3]``. Each cold start runs in a fresh
Python process (imports included, as a user's first ``friendshore`` command pays them) on a
new store file. It also times each registered reader's load in one process, and the warm
``supply`` query, and prints every figure as a ratio to the 20 s cold-start budget of issue 2.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 20.0

COLD = (
    "import time, sys; t = time.perf_counter(); "
    "from friendshore.store import Store; Store(sys.argv[1]).close(); "
    "print(time.perf_counter() - t)"
)


def cold_start(folder: Path, i: int) -> tuple[float, float]:
    """(wall seconds of the whole process, seconds inside it from import to built store)."""
    path = folder / f"cold{i}.duckdb"
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", COLD, str(path)], check=True,
                         capture_output=True, text=True)
    return time.perf_counter() - t, float(out.stdout.strip().splitlines()[-1])


def per_reader() -> dict[str, float]:
    """Seconds per registered reader to read and load its shipped files (in-memory store)."""
    from friendshore.readers.registry import READERS, reader
    from friendshore.store import Store

    store = Store(":memory:", build=False)
    times = {}
    for kind in READERS:
        mod = reader(kind)
        t = time.perf_counter()
        with store.transaction():
            for path in mod.shipped():
                mod.load(store, path)
        times[kind] = time.perf_counter() - t
    return times


def warm_supply(folder: Path) -> float:
    """Median seconds of ``supply('rare_earths')`` on a built store (after one warm-up)."""
    import friendshore
    from friendshore.store import Store

    store = Store(folder / "cold0.duckdb")
    friendshore.supply("rare_earths", store=store)
    runs = []
    for _ in range(20):
        t = time.perf_counter()
        friendshore.supply("rare_earths", store=store)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        colds = [cold_start(folder, i) for i in range(args.repeat)]
        wall = statistics.median(c[0] for c in colds)
        inside = statistics.median(c[1] for c in colds)
        readers = per_reader()
        warm = warm_supply(folder)
    print(f"cold start, fresh process + new store file (median of {args.repeat}): "
          f"{wall:.2f} s = {wall / BUDGET_S:.2f} x the {BUDGET_S:.0f} s budget")
    print(f"  of which import + build inside the process: {inside:.2f} s")
    total = sum(readers.values())
    for kind, secs in sorted(readers.items(), key=lambda kv: -kv[1]):
        print(f"  reader {kind:<22} {secs:6.2f} s  ({secs / total:5.1%} of readers)")
    print(f"warm supply('rare_earths'): {warm * 1e3:.1f} ms "
          f"= {warm / BUDGET_S:.5f} x the cold budget")


if __name__ == "__main__":
    main()
