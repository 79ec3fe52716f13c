"""Write data/bridge/us_consumption_value.csv: the value of US consumption per commodity.

Run by hand from the repository root (``python tools/make_us_values.py``); it reads the USGS
MCS2025 salient files in ../shared and records, per commodity, the year, the columns used, the
quantity, the price and the unit factors, so each value can be checked against the source.
Value (USD) = consumption × quantity factor (to kg) × price × price factor (USD per kg).
Where USGS withholds consumption, apparent consumption = production + imports − exports of
the listed columns (marked ``estimate``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SALIENT = Path(__file__).resolve().parents[2] / "shared/data/usgs_mcs2025/salient"
OUT = Path(__file__).resolve().parents[1] / "src/friendshore/data/bridge/us_consumption_value.csv"

QTY = {"kg": 1.0, "t": 1e3, "kt": 1e6, "mmt": 1e9}
PRICE = {"dkg": 1.0, "dt": 1e-3, "dlb": 2.20462, "ctslb": 0.0220462, "dtoz": 32.1507,
         "dto": 32.1507, "dst": 1.10231e-3,
         "dt_lce": 5.323e-3}  # USD/t of Li2CO3 -> USD/kg Li (5.323 t LCE per t Li)

#: One row per commodity: salient file code, consumption columns (``a+b-c``: apparent
#: consumption from the listed columns), quantity unit (QTY), price column, price unit (PRICE)
#: and a note (a note, or a quantity summed from several columns, marks the value an estimate).
SPEC = Path(__file__).resolve().with_name("us_values_spec.csv")


def _quantity(row: pd.Series, expr: str) -> float:
    """Sum of the ``+``/``-`` separated columns of ``expr`` in ``row`` (NaN if any missing)."""
    total, sign, token = 0.0, 1.0, ""
    for ch in expr + "+":
        if ch in "+-" and token and token in row.index:
            total += sign * float(row[token])
            sign, token = (1.0 if ch == "+" else -1.0), ""
        else:
            token += ch
    return total if not token else float("nan")  # a leftover token names no column


def main() -> None:
    """Value each commodity at its latest year with both quantity and price; write ``OUT``."""
    spec = pd.read_csv(SPEC, dtype=str, keep_default_na=False)
    rows = []
    for slug, code, cons, qunit, price, punit, note in spec.itertuples(index=False):
        path = SALIENT / f"mcs2025-{code}_salient.csv"
        df = pd.read_csv(path, encoding="utf-8-sig")
        df = df.apply(lambda c: pd.to_numeric(c, errors="coerce") if c.name != "Commodity" else c)
        for _, r in df.sort_values("Year", ascending=False).iterrows():
            qty, p = _quantity(r, cons), r[price]
            if pd.notna(qty) and pd.notna(p) and qty > 0 and p > 0:
                value = qty * QTY[qunit] * float(p) * PRICE[punit]
                rows.append({"commodity": slug, "year": int(r["Year"]), "quantity": qty,
                             "quantity_column": cons, "quantity_unit": qunit, "price": float(p),
                             "price_column": price, "price_unit": punit,
                             "value_usd": round(value), "estimate": bool(note) or "+" in cons,
                             "source": f"USGS MCS2025 data release, {path.name}", "note": note})
                break
    pd.DataFrame(rows).to_csv(OUT, index=False)
    print(f"{len(rows)} of {len(spec)} commodities valued -> {OUT}")


if __name__ == "__main__":
    main()
