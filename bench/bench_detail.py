"""Cold load of the detailed IO tables (BEA 2017 detail, MIC 2015 basic).

Run by hand: ``python bench/bench_detail.py [--repeat N]``. Each run is a fresh Python process
(nothing cached), which imports friendshore, loads the summary table of the same country as
the reference (same process, same load) and then the detailed table with its identity checks
and the LU factors of ``I − A``. Prints min and median over the runs and the ratio to the
summary table; paste the output into bench/RESULTS.md (append a dated section).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd

import friendshore
from friendshore.iomodel.detail import COUNTRIES

CHILD = """
import json, time
t0 = time.perf_counter()
from friendshore.iomodel.detail import detail_table
from friendshore.iomodel.tables import get_table
t1 = time.perf_counter()
get_table({country!r}).lu_L
t2 = time.perf_counter()
t = detail_table({country!r})
t3 = time.perf_counter()
t.lu_L
t4 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "summary": t2 - t1, "detail": t3 - t2, "lu": t4 - t3,
                  "n": t.n}}))
"""


def cold(country: str) -> dict[str, float]:
    """One fresh process: import, summary table (reference), detailed table, its LU factors."""
    out = subprocess.run([sys.executable, "-c", CHILD.format(country=country)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, nproc={os.cpu_count()}, "
          f"load={os.getloadavg()[0]:.1f}, python {sys.version.split()[0]}, numpy "
          f"{np.__version__}, pandas {pd.__version__}, friendshore {friendshore.__version__}")
    for country in COUNTRIES:
        runs = [cold(country) for _ in range(args.repeat)]
        det = [r["detail"] for r in runs]
        ref = [r["summary"] for r in runs]
        lu = [r["lu"] for r in runs]
        ratio = [d / s for d, s in zip(det, ref, strict=True)]
        print(f"{country} detail ({runs[0]['n']} sectors), {args.repeat} fresh processes:")
        print(f"  read + check + build: min {min(det):.2f} s, median "
              f"{statistics.median(det):.2f} s")
        print(f"  LU of I - A:          min {min(lu) * 1e3:.0f} ms, median "
              f"{statistics.median(lu) * 1e3:.0f} ms")
        print(f"  summary table + LU (reference, same process): min {min(ref):.2f} s, median "
              f"{statistics.median(ref):.2f} s -> detail / summary median "
              f"{statistics.median(ratio):.1f}x")


if __name__ == "__main__":
    main()
