"""Cold load of the detailed IO tables (BEA 2017 detail, MIC 2015 basic).

Run by hand: ``python bench/bench_detail.py [--repeat N]``. Each run is a fresh Python process
(nothing cached), which imports friendshore, loads the summary table of the same country as
the reference (same process, same load) and then the detailed table with its identity checks
and the LU factors of ``I − A``. Prints min and median over the runs and the ratio to the
summary table; then, in this process, the reader's fast number parsing against the checked
text path it falls back to (the BEA detail Use table). Paste the output into bench/RESULTS.md
(append a dated section).
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
from friendshore.readers import io_tables

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
    reader_bench(args.repeat)


def reader_bench(repeat: int) -> None:
    """Fast path of ``_read_coded`` against the checked text parse (``_numeric``)."""
    path = (io_tables.data_dir() / "us_bea_detail_2017"
            / "Detail_Use_2017_PRO_BeforeRedef_17sch.csv.gz")

    def checked() -> pd.DataFrame:
        df = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("rownames")
        return io_tables._numeric(df, path)

    fast, slow = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        a = io_tables._read_coded(path, index="rownames")
        t1 = time.perf_counter()
        b = checked()
        t2 = time.perf_counter()
        fast.append(t1 - t0)
        slow.append(t2 - t1)
    same = np.array_equal(a.to_numpy(), b.to_numpy(), equal_nan=True)
    print(f"reader, BEA detail Use table (408 x 425), {repeat} runs: fast path min "
          f"{min(fast) * 1e3:.0f} ms, median {statistics.median(fast) * 1e3:.0f} ms; checked "
          f"text parse min {min(slow) * 1e3:.0f} ms, median {statistics.median(slow) * 1e3:.0f} "
          f"ms -> {statistics.median(slow) / statistics.median(fast):.1f}x; identical: {same}")


if __name__ == "__main__":
    main()
