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

# slug, file code, consumption columns (a - b: apparent), qty unit, price column, price unit, note
SPEC = [
    ("abrasives", "abras", "Consump_Al2O3_t", "t", "Price_Al2O3_dt", "dt", ""),
    ("aluminum", "alumi", "Consump_Apprnt_kt", "kt", "Price_Ingot_ctslb", "ctslb", ""),
    ("antimony", "antim", "Consump_t", "t", "Price_Metal_dlb", "dlb", ""),
    ("arsenic", "arsen", "Consump_Est_All_t", "t", "Price_Mtl_US_dkg", "dkg",
     "metal price applied to all arsenic forms"),
    ("asbestos", "asbes", "Consump_Est_t", "t", "Price_Customs_dt", "dt", ""),
    ("barite", "barit", "Consump_kt", "kt", "Price_dt", "dt", ""),
    ("bauxite", "bauxi", "Bauxite_Consump_Apprnt_kt", "kt", "Bauxite_Price_dt", "dt", ""),
    ("beryllium", "beryl", "Consump_Apparent_t", "t", "Price_Alloy_dkg", "dkg",
     "Be-Cu master alloy price per kg of contained Be (as published)"),
    ("bismuth", "bismu", "Consump_Reported_t", "t", "Price_Average_dlb", "dlb", ""),
    ("boron", "boron", "Consump_kt", "kt", "Price_CIF_dt", "dt", ""),
    ("bromine", "bromi", "Consump_t", "t", "Price_Imports_dkg", "dkg", ""),
    ("cadmium", "cadmi", "Consump_Apparent_t", "t", "Price_Refined_dkg", "dkg", ""),
    ("cement", "cemen", "Consump_kt", "kt", "Price_Avg_dt", "dt", ""),
    ("chromium", "chrom", "Consump_Apparent_kt", "kt", "Price_Ferrochromium_dlb", "dlb",
     "ferrochromium price per lb of contained Cr"),
    ("cobalt", "cobal", "Consump_Apparent_t", "t", "Price_Spot_dlb", "dlb", ""),
    ("copper", "coppe", "Consump_Apparent_kt", "kt", "Price_US_ctslb", "ctslb", ""),
    ("diatomite", "diato", "Consump_kt", "kt", "Price_dt", "dt", ""),
    ("feldspar", "felds", "Consump_Feldspar_kt", "kt", "Price_Feldspar_dt", "dt", ""),
    ("fluorspar", "fluor", "Consump_Apprnt_kt", "kt", "Price_Acid_dt", "dt", "acid-grade price"),
    ("gallium", "galli", "Consump_kg", "kg", "Price_High-purity_dkg", "dkg", ""),
    ("garnet", "garne", "Consump_t", "t", "Price_Import_dt", "dt", ""),
    ("germanium", "germa", "Imports_Metal_kg+Imports_GeO2_kg-Exports_Metal_kg-Exports_GeO2_kg",
     "kg", "Price_Metal_dkg", "dkg", "consumption not published: imports less exports, gross"),
    ("gold", "gold", "Consump_t", "t", "Price_dtoz", "dtoz", ""),
    ("graphite", "graph", "Consump_t", "t", "Price_Flake_dt", "dt", "flake price"),
    ("gypsum", "gypsu", "Consump_kt", "kt", "Price_Mine_dt", "dt", ""),
    ("ilmenite", "timin", "Consump_kt", "kt", "Price_dt", "dt",
     "all titanium mineral concentrates, first (ilmenite) price"),
    ("indium", "indiu", "Consump_t", "t", "Price_NY_dkg", "dkg", ""),
    ("industrial_sand", "sandi", "Consump_kt", "kt", "Price_dt", "dt", ""),
    ("iodine", "iodin", "Consump_t", "t", "Price_Crude_CIF_dkg", "dkg", ""),
    ("iron_ore", "feore", "Consump_Reported_kt", "kt", "Price_Apparent_dt", "dt", ""),
    ("iron_oxide_pigments", "fepig", "Consump_t", "t", "Price_dkg", "dkg", ""),
    ("kyanite", "kyani", "Consump_t", "t", "Price_FOB_dt", "dt", ""),
    ("lead", "lead", "Consump_North_American_kt", "kt", "Price_LME_ctslb", "ctslb",
     "North American consumption (USGS publishes no US-only figure)"),
    ("lime", "lime", "Consump_kt", "kt", "Price_Quicklime_dt", "dt", ""),
    ("lithium", "lithium", "Imports_t-Exports_t", "t", "Price_dt", "dt_lce",
     "production withheld: imports − exports (lower bound); carbonate price per t LCE"),
    ("magnesium", "mgmet", "Imports_kt-Exports_kt+USprod_Secondary_kt", "kt", "Price_dt", "dt",
     "apparent consumption withheld: secondary production + imports − exports"),
    ("manganese", "manga", "Consump_Apparent_kt", "kt", "Price_CN_CIF_dt", "dt", "ore price"),
    ("mica", "mica", "Consump_Flake_t", "t", "Price_Flake_dt", "dt", ""),
    ("molybdenum", "molyb", "Consump_Apparent_t", "t", "Price_dkg", "dkg", ""),
    ("nickel", "nicke", "Consump_Apparent_Total_t", "t", "Price_dt", "dt", ""),
    ("niobium", "niobi", "Consump_Apparent_t", "t", "Price_dkg", "dkg", ""),
    ("nitrogen", "nitro", "Consump_kt", "kt", "Price_dst", "dst", ""),
    ("palladium", "plati", "Consump_Palladium_kg", "kg", "Price_Palladium_dto", "dto", ""),
    ("peat", "peat", "Consump_kt", "kt", "Price_dt", "dt", ""),
    ("perlite", "perli", "Consump_kt", "kt", "Price_FOB_dt", "dt", ""),
    ("phosphate_rock", "phosp", "Consump_kt", "kt", "Price_dt", "dt", ""),
    ("platinum", "plati", "Consump_Platinum_kg", "kg", "Price_Platinum_dto", "dto", ""),
    ("potash", "potas", "Consump_kt", "kt", "Price_All_dt", "dt", ""),
    ("pumice", "pumic", "Consump_kt", "kt", "Price_dt", "dt", ""),
    ("rare_earths", "rareee", "Consump_Compounds-Metals_t", "t", "Price_Mischmetal_dkg", "dkg",
     "mischmetal price as a mixed-REE basket"),
    ("rhenium", "rheni", "Consump_kg", "kg", "Price_Metal_dkg", "dkg", ""),
    ("salt", "salt", "Consump_Apparent_kt", "kt", "Price_Rock_dt", "dt", "rock salt price"),
    ("selenium", "selen", "Consump_Metal_t", "t", "Price_US_dkg", "dkg", ""),
    ("silicon", "simet", "Consump_FeSi-Si_kt", "kt", "Price_FeSi75_ctslb", "ctslb",
     "75% ferrosilicon price per lb of contained Si"),
    ("silver", "silve", "Consump_t", "t", "Price_Bullion_dtoz", "dtoz", ""),
    ("soda_ash", "sodaa", "Consump_Apparent_kt", "kt", "Price_dt", "dt", ""),
    ("strontium", "stron", "Consump_Total_t", "t", "Price_dt", "dt", ""),
    ("sulfur", "sulfu", "Consump_Apprnt_kt", "kt", "Price_elemental_dt", "dt", ""),
    ("talc", "talc", "Consump_kt", "kt", "Price_dt", "dt", ""),
    ("tantalum", "tanta", "Consump_t", "t", "Price_Ta2O5_dkg", "dkg", "Ta2O5 price per kg"),
    ("tellurium", "tellu", "Consump_t", "t", "Price_US_dkg", "dkg", ""),
    ("tin", "tin", "Consump_t", "t", "Price_NY_ctslb", "ctslb", ""),
    ("titanium", "titan", "Consump_Sponge_Apparent_t", "t", "Price_Sponge_dkg", "dkg", ""),
    ("titanium_dioxide", "titan", "Consump_Dioxide_t", "t", "Price_Dioxide_dt", "dt", ""),
    ("vanadium", "vanad", "Consump_Apprnt_t", "t", "Price_V2O5_dlb", "dlb", "V2O5 price"),
    ("zinc", "zinc", "Consump_Refined_kt", "kt", "Price_ctslb", "ctslb", ""),
    ("zirconium", "zirco", "Consump_ZrO2_content_t", "t", "Price_Zircon_imported_t", "dt", ""),
]


def _quantity(row: pd.Series, expr: str) -> float:
    """Sum of the ``+``/``-`` separated columns of ``expr`` in ``row`` (NaN if any missing)."""
    total, sign, token = 0.0, 1.0, ""
    for ch in expr + "+":
        if ch in "+-" and token and token in row.index:
            total += sign * float(row[token])
            sign, token = (1.0 if ch == "+" else -1.0), ""
        else:
            token += ch
    return total


def main() -> None:
    rows = []
    for slug, code, cons, qunit, price, punit, note in SPEC:
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
    print(f"{len(rows)} of {len(SPEC)} commodities valued -> {OUT}")


if __name__ == "__main__":
    main()
