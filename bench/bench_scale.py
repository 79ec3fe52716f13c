"""Engine at scale (issue 12), every figure measured in this run, each timing 3 times.

Run by hand: ``python bench/bench_scale.py [--draws N] [--record]``.

1. k shocks on k commodities (random cut 30-100 %, start month 0-12, length 1-12, a
   24-month horizon) at 100,000 draws, k = 1, 2, 4, 8, 16: cost linear in k, and 16 shocks
   under 10 s.
2. One shock at 100,000 draws (China restricts 80-100 % of refined gallium for 6-24 months)
   against a bandwidth roofline: the bytes every array operation of the run reads and
   writes (each ufunc, reduction and array function, counted by an ndarray subclass in a
   child process; a broadcast operand counts its stored bytes once), at this machine's copy
   bandwidth. Budget: within 3x. A stricter floor is also printed: the bytes of every array
   the run creates, each written once and read once (a child whose glibc maps every block
   over 64 kB afresh, ``MALLOC_MMAP_THRESHOLD_``: minor faults x page size).
3. 218 reported countries x 100,000 draws: peak resident memory of a child process (budget
   2 GB).
4. 1,200 scenarios x 1,000 draws with GDP for USA and JPN on one process (budget 60 s): the
   USGS-size sweep (every exporter with >= 10 % of a market, full 12-month restriction) with
   its scenarios repeated under new seeds up to 1,200.

``--record`` appends a dated section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record

GALLIUM = {
    "name": "bench-gallium", "horizon_months": 24, "countries": ["USA", "JPN"],
    "shocks": [{
        "kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
        "stage": "refine", "cut": {"dist": "uniform", "low": 0.8, "high": 1.0},
        "targets": "all", "months": {"dist": "triangular", "low": 6, "mode": 12, "high": 24},
    }],
}


def shocks(network, k: int, seed: int) -> list[dict]:
    """Restrictions by the largest producer of ``k`` single-stage commodities."""
    import numpy as np

    cands = network.top_producers()
    pick = np.random.default_rng(seed).choice(len(cands), k, replace=False)
    return [{"kind": "export_restriction", "exporter": e, "commodity": c, "stage": s,
             "targets": "all", "cut": {"dist": "uniform", "low": 0.3, "high": 1.0},
             "start_month": {"dist": "uniform", "low": 0, "high": 12},
             "months": {"dist": "uniform", "low": 1, "high": 12}}
            for c, s, e in (cands[i] for i in pick)]


def timed(fn, repeat: int = 3) -> list[float]:
    """Wall times of ``repeat`` calls of ``fn``."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def fmt(ts: list[float]) -> str:
    """Min and median of a list of timings."""
    return f"min {min(ts):.2f} s, median {statistics.median(ts):.2f} s"


def bandwidth() -> float:
    """Copy bandwidth (bytes read + written per second) on a 512 MB array, best of 5."""
    import numpy as np

    a = np.ones(2**26)
    b = np.empty_like(a)
    return 2 * a.nbytes / min(timed(lambda: np.copyto(b, a), 5))


def _network():
    from friendshore.api._base import get_store
    from friendshore.assumptions import Assumptions
    from friendshore.network.build import build_network

    return build_network(get_store(None), Assumptions({}))


def child(mode: str, draws: int) -> None:
    """In a fresh process: ``faults`` prints the bytes the gallium run maps afresh (minor
    faults x page size, after a warm-up run); ``memory`` the peak resident memory of the
    run reporting every network country. JSON on stdout."""
    from friendshore.disruption.engine import run_scenario
    from friendshore.scenario.spec import parse_scenario

    net = _network()
    if mode == "traffic":
        print(json.dumps({"bytes": traffic(parse_scenario(GALLIUM), net, draws)}))
        return
    if mode == "faults":
        sc = parse_scenario(GALLIUM)
        run_scenario(sc, net, draws=draws, seed=1, threads=1)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        run_scenario(sc, net, draws=draws, seed=1, threads=1)
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
        print(json.dumps({"bytes": faults * resource.getpagesize()}))
        return
    countries = [c for c in net.countries if c != "OTH"]
    before = _rss_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, the peak, to the current RSS
    res = run_scenario(parse_scenario({**GALLIUM, "countries": countries}), net, draws=draws)
    print(json.dumps({"countries": len(res.countries), "peak_kb": _rss_kb("VmHWM"),
                      "before_kb": before}))


def _rss_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in kB (Linux)."""
    line = next(x for x in Path("/proc/self/status").read_text().splitlines()
                if x.startswith(field + ":"))
    return int(line.split()[1])


def traffic(scenario, net, draws: int) -> int:
    """Bytes read and written by the array operations of one run (one thread): every ufunc
    call (reductions included) and array function on the engine's arrays, operands and
    results, each operand by its stored bytes (a stride-0 axis is not stored)."""
    import numpy as np

    from friendshore.disruption import engine

    moved = [0]

    def stored(a: np.ndarray) -> int:
        dims = [n for n, st in zip(a.shape, a.strides, strict=True) if st != 0]
        return a.itemsize * int(np.prod(dims))

    def plain(x):
        if isinstance(x, Traced):
            moved[0] += stored(x)
            return x.view(np.ndarray)
        if isinstance(x, np.ndarray):
            moved[0] += stored(x)
        if isinstance(x, (list, tuple)):
            return type(x)(plain(y) for y in x)
        return x

    def wrap(r):
        if isinstance(r, np.ndarray):
            moved[0] += stored(r)
            return r.view(Traced)
        return tuple(wrap(y) for y in r) if isinstance(r, tuple) else r

    class Traced(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *inputs, **kw):
            if "out" in kw:  # an output is written: counted once as a result, not an operand
                kw["out"] = tuple(o.view(np.ndarray) if isinstance(o, Traced) else o
                                  for o in kw["out"])
            r = getattr(ufunc, method)(*(plain(x) for x in inputs), **kw)
            return wrap(r)

        def __array_function__(self, func, types, args, kwargs):
            return wrap(func(*plain(args), **{k: plain(v) for k, v in kwargs.items()}))

    class TracedNumpy:
        """numpy whose array constructors return traced arrays."""

        def __getattr__(self, name):
            attr = getattr(np, name)
            if name in {"asarray", "zeros", "ones", "full", "empty", "arange"}:
                return lambda *a, **k: attr(*a, **k).view(Traced)
            return attr

    engine.get_backend = lambda name: TracedNumpy()
    engine.run_scenario(scenario, net, draws=1000, seed=1, threads=1)
    moved[0] = 0
    engine.run_scenario(scenario, net, draws=draws, seed=1, threads=1)
    return moved[0]


def _child(mode: str, draws: int, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--draws", str(draws)],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})})
    return json.loads(out.stdout.strip().splitlines()[-1])


def sweep_1200(net) -> tuple[list[float], int]:
    """Timings of 1,200 sweep scenarios x 1,000 draws with GDP for USA and JPN: each sweep
    scenario with the sweep's own per-scenario work (run, summaries, GDP), repeated under new
    seeds to 1,200."""
    from friendshore.api._ripple import sweep_gdp
    from friendshore.disruption.sweep import _one, sweep_scenarios

    base = [sc for sc, _ in sweep_scenarios(net, ["USA", "JPN"], 1000, 7)]
    todo = [base[i % len(base)].with_settings(seed=7 + i // len(base)) for i in range(1200)]
    _one(todo[0], net, gdp=sweep_gdp)  # warm the IO tables once, as a long-lived process has
    ts = timed(lambda: [_one(sc, net, gdp=sweep_gdp) for sc in todo])
    return ts, len(todo)


def main() -> None:
    """Run the benchmarks and print (and optionally record) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--child", choices=["faults", "memory", "traffic"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("FRIENDSHORE_STORE",
                          str(Path(tempfile.gettempdir()) / "friendshore-bench-scale.duckdb"))
    if args.child:
        child(args.child, args.draws)
        return


    from friendshore.disruption.engine import run_scenario
    from friendshore.scenario.spec import parse_scenario

    net = _network()
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    per_k = {}
    for k in (1, 2, 4, 8, 16):
        sc = parse_scenario({"name": f"k{k}", "horizon_months": 24, "countries": ["USA", "JPN"],
                             "shocks": shocks(net, k, seed=k)})
        ts = timed(lambda sc=sc: run_scenario(sc, net, draws=args.draws, seed=1))
        per_k[k] = min(ts)
        say(f"{k:>2} shocks x {args.draws:,} draws: {fmt(ts)} ({min(ts) / k:.2f} s a shock)")
    say(f"16 shocks: {per_k[16] / per_k[1]:.1f}x one shock (linear would be 16x; the 16 "
        f"markets differ in size); budget 10 s {'met' if per_k[16] < 10 else 'NOT met'}")

    sc = parse_scenario(GALLIUM)
    run_scenario(sc, net, draws=1000)
    ts = timed(lambda: run_scenario(sc, net, draws=args.draws, seed=1))
    fresh = _child("faults", args.draws, {"MALLOC_MMAP_THRESHOLD_": "65536",
                                          "MALLOC_TRIM_THRESHOLD_": "65536"})["bytes"]
    moved = _child("traffic", args.draws)["bytes"]
    bw = bandwidth()
    roof, floor = moved / bw, 2 * fresh / bw
    say(f"1 shock (gallium) x {args.draws:,} draws: {fmt(ts)}; array operations move "
        f"{moved / 1e9:.2f} GB, copy bandwidth {bw / 1e9:.1f} GB/s -> roofline {roof:.2f} s; "
        f"min / roofline {min(ts) / roof:.1f}x (budget 3x); arrays created "
        f"{fresh / 1e9:.2f} GB, written and read once {floor:.3f} s ({min(ts) / floor:.1f}x)")

    mem = _child("memory", args.draws)
    say(f"{mem['countries']} reported countries x {args.draws:,} draws: peak RSS "
        f"{mem['peak_kb'] / 2**20:.2f} GB (before the run {mem['before_kb'] / 2**20:.2f} GB; "
        f"budget 2 GB)")

    ts, n = sweep_1200(net)
    say(f"sweep {n:,} scenarios x 1,000 draws with GDP (USA, JPN), one process: {fmt(ts)} "
        f"(budget 60 s)")

    if args.record:
        record("Engine at scale (bench/bench_scale.py)", lines,
               note=f"`python bench/bench_scale.py --draws {args.draws} --record`:")

if __name__ == "__main__":
    main()
