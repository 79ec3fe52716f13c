"""Write data/rare_earths/myb2022_t2_composition.csv from USGS Minerals Yearbook 2022, Rare
Earths, Table 2 (rare-earth contents of selected source minerals, % of total REO).

Run from the repository root: ``python tools/make_ree_composition.py`` (reads
../shared/data/rare_earths/usgs_myb2022_rare_earths_tables.xlsx). One row per deposit and
element as printed; a blank cell is not reported (no row), '<x' keeps its bound.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

SRC = Path("../shared/data/rare_earths/usgs_myb2022_rare_earths_tables.xlsx")
if not SRC.exists():
    SRC = Path("/work/shared/data/rare_earths/usgs_myb2022_rare_earths_tables.xlsx")
OUT = Path("src/friendshore/data/rare_earths/myb2022_t2_composition.csv")
SYMBOLS = ("La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
           "Y")


def main() -> None:
    raw = pd.read_excel(SRC, sheet_name="T2", header=None, dtype=str)
    header = raw.index[raw[6].eq("La")][0]
    cols = {sym: c for c in raw.columns if (sym := raw.at[header, c]) in SYMBOLS}
    rows, mineral, country = [], None, None
    for i in range(header + 1, len(raw)):
        loc = raw.at[i, 4]
        if pd.isna(loc) or pd.isna(raw.at[i, cols["La"]]):
            continue
        m, c = raw.at[i, 0], raw.at[i, 2]
        mineral = mineral if m == "Do." else m
        country = country if c == "do." else c
        deposit = str(loc).split(",")[0].strip()
        for sym, col in cols.items():
            cell = raw.at[i, col]
            if pd.isna(cell):
                continue
            cell = str(cell).strip()
            bound = "<" if cell.startswith("<") else ""
            rows.append({"row": i + 1, "mineral": mineral, "country": country,
                         "deposit": deposit, "location": str(loc).strip(), "element": sym,
                         "percent_reo": cell.lstrip("<"), "bound": bound})
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT}: {len(rows)} rows, {len({r['deposit'] for r in rows})} deposits")


if __name__ == "__main__":
    main()
