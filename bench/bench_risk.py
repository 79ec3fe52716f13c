"""Risk benchmark: warm ``friendshore risk`` over all commodities (issue 2 budget: < 2 s).

Run by hand: ``python bench/bench_risk.py [--repeat 5]``. It builds a store once (cold start
is bench_atlas's job), then times, in the same run:

* the whole CLI, ``friendshore risk --json`` over every commodity, as fresh processes on the
  warm store (imports included, as a user pays them);
* ``friendshore.risk()`` inside one warm process (vectorised over all commodities);
* a reference that computes the same concentration metrics one commodity x stage at a time
  with the scalar functions (the loop the vectorised path replaces).

It prints each figure and its ratio to the 2 s budget, and the reference / vectorised ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 2.0


def cli_runs(store: Path, repeat: int) -> list[float]:
    """Wall seconds of ``friendshore risk --json`` in fresh processes on a built store."""
    env = {**os.environ, "FRIENDSHORE_STORE": str(store)}
    cmd = [sys.executable, "-m", "friendshore.cli", "risk", "--json"]
    if not _has_main():
        cmd = [sys.executable, "-c", "from friendshore.cli import main; main()", "risk",
               "--json"]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return times


def _has_main() -> bool:
    import importlib.util

    return importlib.util.find_spec("friendshore.cli.__main__") is not None


def reference(store) -> float:
    """Seconds to compute HHI, HHI_WGI, top and China shares one series at a time."""
    import numpy as np

    from friendshore.api.risk import risk_assumptions
    from friendshore.risk.concentration import hhi, hhi_wgi, scale_wgi, shares, top_shares
    from friendshore.store import queries_risk

    t = time.perf_counter()
    a = risk_assumptions()
    prod = queries_risk.picked_rows(store, "production", None)
    g = queries_risk.governance_mean(store, a["risk_wgi_indicators"])
    g = g[g["year"] == g["year"].max()]
    wgi = dict(zip(g["country"], scale_wgi(g["estimate"].to_numpy()), strict=True))
    for _key, grp in prod.groupby(["commodity", "stage"]):
        rows = grp[grp["country"] != "WLD"]
        s = shares(rows["value"].to_numpy())
        named = (rows["country"] != "OTH").to_numpy() & np.isfinite(s)
        c = rows["country"].to_numpy()[named]
        hhi(s[named])
        hhi_wgi(s[named], [wgi.get(x, 5.0) for x in c])
        top_shares(s[named], 1)
        float(s[named][c == "CHN"].sum())
    return time.perf_counter() - t


def main() -> None:
    """Run the benchmark and print a Markdown section for bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from friendshore.api.risk import risk
    from friendshore.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        Store(path).close()  # build once: warm from here on
        cli = cli_runs(path, args.repeat)
        with Store(path) as store:
            risk(store=store)  # first call warms DuckDB's caches
            api_t, ref_t = [], []
            for _ in range(args.repeat):
                t = time.perf_counter()
                df = risk(store=store)
                api_t.append(time.perf_counter() - t)
                ref_t.append(reference(store))
    n_rows, n_comm = len(df), df["commodity"].nunique()
    cli_med, api_med, ref_med = (statistics.median(x) for x in (cli, api_t, ref_t))
    print(f"rows: {n_rows} commodity x stage, {n_comm} commodities; repeat {args.repeat}")
    print("| measure | median s | min s | ratio to 2 s budget |")
    print("|---|---|---|---|")
    print(f"| `friendshore risk --json`, fresh process, warm store | {cli_med:.2f} | "
          f"{min(cli):.2f} | {cli_med / BUDGET_S:.2f} |")
    print(f"| `friendshore.risk()` in a warm process | {api_med:.3f} | {min(api_t):.3f} | "
          f"{api_med / BUDGET_S:.3f} |")
    print(f"| reference: concentration only, one series at a time | {ref_med:.3f} | "
          f"{min(ref_t):.3f} | {ref_med / BUDGET_S:.3f} |")
    print(f"\nreference / vectorised concentration step: "
          f"{ref_med / max(api_med, 1e-9):.2f} (the API also does reserves, US, Japan, SR)")


if __name__ == "__main__":
    main()
