"""Write the detailed end-use bridge's value tables and code lists in data/bridge/.

Run by hand from the repository root (``python tools/make_enduse_values.py``). It reads, in
../shared/data (read-only):

* the BEA 2017 detail industry codes and the MIC 2015 basic row codes, written to
  ``industry_codes.csv`` so that the package checks ``detail_end_use.csv`` without ../shared;
* the USGS MCS 2026 long file (cp1252; ``Value`` is text), from which ``prices.csv`` and the US
  rows of ``consumption.csv`` are taken, one named series per row (see ``PRICES``/``US_USE``);
* BACI HS17 V202601 totals for HS 850511 (permanent magnets of metal): the world unit value
  prices magnets, and the US import value gives a trade-based US magnet quantity.

Japan's consumption rows are hand-compiled published points (``JPN_USE``), each with its source.

It also derives coarse US rows of ``detail_end_use.csv`` for the commodities that have no
hand-compiled rows (``DERIVED_SUPPLIER``): each summary first-use industry of
``us_first_use.csv`` (with its share) is split over its BEA detail industries in proportion to
their 2017 purchases of the commodity's supplying detail commodity (BEA detail Use table,
producers' prices). Those rows carry the ``DERIVED_TAG`` source prefix and are rewritten on each
run; hand-compiled rows are left as they are.
Every price is converted to US dollars per metric ton of the stated basis; the factor is named.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

#: ../shared/data: the first parent of this file that holds ``shared/data`` (works in a worktree)
SHARED = next(p / "shared" / "data" for p in Path(__file__).resolve().parents
              if (p / "shared" / "data").is_dir())
OUT = Path(__file__).resolve().parents[1] / "src" / "friendshore" / "data" / "bridge"
MCS = SHARED / "usgs_mcs2026" / "MCS2026_Commodities_Data.csv"
MCS_SRC = ("USGS Mineral Commodity Summaries 2026 data release (doi 10.5066/P1WKQ63T), "
           "MCS2026_Commodities_Data.csv")
BACI_TOTALS = SHARED / "trade" / "baci_total_imports_JPN_USA_280530_284690_850511_2018_2024.csv"

#: USD per unit -> USD per metric ton
TO_USD_PER_T = {
    "dollars per kilogram": 1e3,
    "dollars per metric ton": 1.0,
    "dollars per pound": 2204.62,
    "cents per pound": 22.0462,
    "dollars per troy ounce": 32150.75,
    "dollars per dry metric ton unit": 100.0,  # 1 mtu = 10 kg, so per t of WO3
}
#: quantity unit -> metric tons
TO_T = {"kilograms": 1e-3, "metric tons": 1.0, "thousand metric tons": 1e3}

#: (commodity, stage, MCS chapter, Statistics_detail, extra factor, basis). The extra factor turns
#: the series' basis into the stated one (tungsten: per t WO3 -> per t W; lithium: per t
#: Li2CO3 -> per t Li).
PRICES: list[tuple[str, str, str, str, float, str]] = [
    ("gallium", "refine", "GALLIUM", "Price, average unit value of imports, dollars per kilogram",
     1.0, "Ga metal, average unit value of US imports"),
    ("germanium", "refine", "GERMANIUM",
     "Price, annual average, dollars per kilogram: Germanium metal", 1.0,
     "Ge metal, 99.999 %, average European price (Argus)"),
    ("ndpr", "refine", "RARE EARTHS",
     "Price, average, dollars per kilogram: Neodymium-praseodymium (NdPr) oxide, 99% minimum",
     1.0, "NdPr oxide, 99 % min, FOB (Argus); per t of oxide"),
    ("samarium", "refine", "RARE EARTHS",
     "Price, average, dollars per kilogram: Samarium oxide, 99.5% minimum", 1.0,
     "Sm oxide, 99.5 % min, FOB; per t of oxide"),
    ("gadolinium", "refine", "RARE EARTHS",
     "Price, average, dollars per kilogram: Gadolinium oxide, 99.99% minimum", 1.0,
     "Gd oxide, 99.99 % min, FOB; per t of oxide"),
    ("lanthanum", "refine", "RARE EARTHS",
     "Price, average, dollars per kilogram: Lanthanum oxide, 99.5% minimum", 1.0,
     "La oxide, 99.5 % min, FOB; per t of oxide"),
    ("cerium", "refine", "RARE EARTHS",
     "Price, average, dollars per kilogram: Cerium oxide, 99.5% minimum", 1.0,
     "Ce oxide, 99.5 % min, FOB; per t of oxide"),
    ("europium", "refine", "RARE EARTHS",
     "Price, average, dollars per kilogram: Europium oxide, 99.99% minimum", 1.0,
     "Eu oxide, 99.99 % min, FOB; per t of oxide"),
    ("terbium", "refine", "RARE EARTHS (Heavy)",
     "Price, average, dollars per kilogram: Terbium oxide, 99.99% minimum", 1.0,
     "Tb oxide, 99.99 % min, FOB; per t of oxide"),
    ("dysprosium", "refine", "RARE EARTHS (Heavy)",
     "Price, average, dollars per kilogram: Dysprosium oxide, 99.5% minimum", 1.0,
     "Dy oxide, 99.5 % min, FOB; per t of oxide"),
    ("holmium", "refine", "RARE EARTHS (Heavy)",
     "Price, average, dollars per kilogram: Holmium oxide, 99.5% minimum", 1.0,
     "Ho oxide, 99.5 % min, FOB; per t of oxide"),
    ("erbium", "refine", "RARE EARTHS (Heavy)",
     "Price, average, dollars per kilogram: Erbium oxide, 99.5%, minimum", 1.0,
     "Er oxide, 99.5 % min, FOB; per t of oxide"),
    ("ytterbium", "refine", "RARE EARTHS (Heavy)",
     "Price, average, dollars per kilogram: Ytterbium oxide, 99.99% minimum", 1.0,
     "Yb oxide, 99.99 % min, FOB; per t of oxide"),
    ("lutetium", "refine", "RARE EARTHS (Heavy)",
     "Price, average, dollars per kilogram: Lutetium oxide, 99.99% minimum", 1.0,
     "Lu oxide, 99.99 % min, FOB; per t of oxide"),
    ("yttrium", "refine", "YTTRIUM",
     "Price, average, dollars per kilogram: Y2O3, minimum 99.999% purity", 1.0,
     "Y2O3, 99.999 %; per t of oxide"),
    ("scandium", "refine", "SCANDIUM",
     "Price, global, dollars per kilogram, range of average values: Scandium oxide, powder, "
     "99.99% purity, 5- to 100-kilogram lot size", 1.0, "Sc oxide, 99.99 %, 5-100 kg lots"),
    ("graphite", "mine", "GRAPHITE (NATURAL)",
     "Price, average unit value of imports, dollars per metric ton at foreign ports: Flake",
     1.0, "natural flake graphite, unit value of US imports at foreign ports"),
    ("cobalt", "refine", "COBALT", "Price, average, dollars per pound: U.S. spot, cathode", 1.0,
     "Co cathode, US spot"),
    ("lithium", "refine", "LITHIUM",
     "Price, annual average-real, battery-grade lithium carbonate, dollars per metric ton",
     5.323, "battery-grade Li2CO3, per t of Li content (5.323 t Li2CO3 per t Li)"),
    ("nickel", "refine", "NICKEL",
     "Price, average annual, London Metal Exchange (LME), cash: Dollars per metric ton", 1.0,
     "Ni, LME cash"),
    ("antimony", "refine", "ANTIMONY", "Price, metal, average, dollars per pound", 1.0,
     "Sb metal, average"),
    ("tungsten", "refine", "TUNGSTEN",
     "Price, concentrate, average in-warehouse Rotterdam, dollars per dry metric ton unit of "
     "tungsten trioxide", 1.0 / 0.7930,
     "W concentrate, per t of W content (1 mtu = 10 kg WO3; WO3 is 79.30 % W)"),
    ("platinum", "refine", "PLATINUM-GROUP METALS", "Price, dollars per troy ounce: Platinum",
     1.0, "Pt, dollars per troy ounce"),
    ("palladium", "refine", "PLATINUM-GROUP METALS", "Price, dollars per troy ounce: Palladium",
     1.0, "Pd, dollars per troy ounce"),
    ("beryllium", "refine", "BERYLLIUM",
     "Price, annual average unit value, beryllium-copper master alloy, dollars per kilogram of "
     "contained beryllium", 1.0, "Be contained in Be-Cu master alloy"),
    ("copper", "refine", "COPPER",
     "Price, annual average, cents per pound: U.S. producer, cathode (COMEX + premium)", 1.0,
     "Cu cathode, US producer"),
    ("aluminum", "refine", "ALUMINUM",
     "Price, ingot, average U.S. market (spot), cents per pound", 1.0, "Al ingot, US spot"),
]

#: Prices whose series stands in for another stage (tungsten: concentrate priced for the refined
#: market), marked ``estimate``.
PROXY_PRICES = {"tungsten"}

#: (commodity, stage, MCS chapter, Commodity column or "", Statistics_detail, year, note)
US_USE: list[tuple[str, str, str, str, str, int, str]] = [
    ("gallium", "refine", "GALLIUM", "", "Consumption, reported", 2025, ""),
    ("germanium", "refine", "GERMANIUM", "", "Consumption, estimated", 2021,
     "latest year USGS gives (estimated consumption of Ge in metal and GeO2)"),
    ("rare_earths", "refine", "RARE EARTHS", "",
     "Consumption, apparent, compounds and metals", 2025, "t REO"),
    ("yttrium", "refine", "YTTRIUM", "", "Consumption, apparent", 2025, "t Y2O3"),
    ("graphite", "mine", "GRAPHITE (NATURAL)", "", "Consumption, apparent", 2025, ""),
    ("cobalt", "refine", "COBALT", "", "Consumption (includes secondary): Apparent", 2025, ""),
    ("nickel", "refine", "NICKEL", "", "Consumption: Apparent, total", 2025, ""),
    ("antimony", "refine", "ANTIMONY", "", "Consumption, apparent", 2025, ""),
    ("platinum", "refine", "PLATINUM-GROUP METALS", "",
     "Consumption, apparent: Platinum", 2025, ""),
    ("palladium", "refine", "PLATINUM-GROUP METALS", "",
     "Consumption, apparent: Palladium", 2025, ""),
    ("beryllium", "refine", "BERYLLIUM", "", "Consumption: Apparent", 2025, ""),
    ("copper", "refine", "COPPER", "",
     "Consumption: Apparent, primary refined copper and copper from old scrap", 2025, ""),
    ("aluminum", "refine", "ALUMINUM", "", "Consumption, apparent", 2025, ""),
]

JSNM = "Japan Society of Newer Metals (JSNM) rare-earth division, domestic demand"
#: Japan: published points (country, commodity, stage, year, quantity t, source, estimate)
JPN_USE: list[tuple[str, str, str, int, float, str, bool]] = [
    ("JPN", "gallium", "refine", 2021, 167.0,
     "JOGMEC via Japan Times 2025-08-05 (Japan consumed 167 t of gallium in 2021, 97 t "
     "imported); https://www.japantimes.co.jp/news/2025/08/05/japan/japan-gallium-australia-study",
     False),
    ("JPN", "rare_earths", "refine", 2024, 18835.0,
     f"{JSNM} 2024 (t of rare-earth products) via Japan Metal Daily "
     "https://www.japanmetaldaily.com/articles/-/237695", False),
    ("JPN", "cerium", "refine", 2024, 5650.0,
     f"{JSNM} 2024, cerium via Japan Metal Daily https://www.japanmetaldaily.com/articles/-/237695",
     False),
    ("JPN", "yttrium", "refine", 2020, 1160.0,
     f"{JSNM} 2020, yttrium via Japan Metal Daily https://www.japanmetaldaily.com/articles/-/82747",
     False),
    ("JPN", "lanthanum", "refine", 2020, 1370.0,
     f"{JSNM} 2020, lanthanum via Japan Metal Daily https://www.japanmetaldaily.com/articles/-/82747",
     False),
    ("JPN", "europium", "refine", 2020, 9.0,
     f"{JSNM} 2020, europium via Japan Metal Daily https://www.japanmetaldaily.com/articles/-/82747",
     False),
]


DERIVED_TAG = "derived (coarse): "
#: commodity -> BEA detail commodity that supplies it (the row of the detail Use table whose
#: purchases split a summary first-use industry over its detail industries)
DERIVED_SUPPLIER = {
    "abrasives": "327910", "arsenic": "325180", "asbestos": "2123A0", "barite": "2123A0",
    "bauxite": "331313", "bentonite": "2123A0", "bismuth": "331410", "boron": "2123A0",
    "bromine": "325180", "cadmium": "331410", "cement": "327310", "chromium": "2122A0",
    "diatomite": "2123A0", "feldspar": "2123A0", "fluorspar": "2123A0", "fullers_earth": "2123A0",
    "garnet": "2123A0", "gem_diamond": "2123A0", "gold": "2122A0", "gypsum": "2123A0",
    "helium": "325120", "ilmenite": "2122A0", "indium": "331410", "industrial_diamond": "327910",
    "industrial_sand": "2123A0", "iodine": "325180", "iron_ore": "2122A0",
    "iron_oxide_pigments": "325130", "kaolin": "2123A0", "kyanite": "2123A0", "lead": "331410",
    "lime": "327400", "magnesium": "331410", "magnesium_compounds": "2123A0",
    "manganese": "2122A0", "mercury": "331410", "mica": "2123A0", "molybdenum": "2122A0",
    "niobium": "331110", "nitrogen": "325310", "peat": "2123A0", "perlite": "2123A0",
    "phosphate_rock": "2123A0", "pig_iron": "331110", "potash": "2123A0", "pumice": "2123A0",
    "rhenium": "331410", "rutile": "2122A0", "salt": "2123A0", "selenium": "331410",
    "silicon": "331110", "silver": "331410", "soda_ash": "325180", "steel": "331110",
    "strontium": "325180", "sulfur": "325180", "talc": "2123A0", "tantalum": "331410",
    "tellurium": "331410", "tin": "331410", "titanium": "331410", "titanium_dioxide": "325130",
    "vanadium": "331110", "vermiculite": "2123A0", "wollastonite": "2123A0", "zeolites": "2123A0",
    "zinc": "331410", "zirconium": "2122A0",
}
#: BEA summary codes that group several NAICS prefixes
SUMMARY_PREFIXES = {
    "3361MV": ("3361", "3362", "3363"), "3364OT": ("3364", "3365", "3366", "3369"),
    "5412OP": ("5412", "5413", "5414", "5415", "5416", "5417", "5418", "5419"),
    "111CA": ("111", "112"), "311FT": ("311", "312"),
}


def _number(text: str) -> float:
    """A plain MCS value ('1,010', '2.82') as a float; anything else (W, NA, >50) raises."""
    return float(str(text).replace(",", ""))


def _series(mcs: pd.DataFrame, chapter: str, detail: str, year: int,
            commodity: str = "") -> pd.Series:
    """The one salient row of ``chapter`` with ``Statistics_detail == detail`` in ``year``."""
    sel = mcs[(mcs["MCS chapter"] == chapter) & (mcs["Statistics_detail"].str.strip() == detail)
              & (mcs["Year"] == year)]
    if commodity:
        sel = sel[sel["Commodity"] == commodity]
    if len(sel) != 1:
        raise SystemExit(f"{chapter}/{detail}/{year}: {len(sel)} rows, expected 1")
    return sel.iloc[0]


def write_codes() -> None:
    """industry_codes.csv: country, code, name (BEA detail 2017; MIC 2015 basic rows)."""
    bea = pd.read_csv(SHARED / "io" / "us_bea_detail_2017" / "Detail_IndustryCodeName_2017.csv",
                      dtype=str)
    rows = [("USA", c, n) for c, n in zip(bea["BEA_2017_Detail_Industry_Code"],
                                          bea["BEA_2017_Detail_Industry_Name"], strict=True)]
    sets = SHARED / "io" / "japan_mic_2015_basic" / "mic2015_basic_sets.csv"
    with sets.open(encoding="utf-8") as fh:
        for rec in list(csv.reader(fh))[3:]:
            if rec and rec[0].strip():
                rows.append(("JPN", rec[0].strip(), rec[1].strip()))
    pd.DataFrame(rows, columns=["country", "code", "name"]).to_csv(
        OUT / "industry_codes.csv", index=False)


def write_prices(mcs: pd.DataFrame, baci: pd.DataFrame) -> None:
    """prices.csv from the MCS 2026 series of ``PRICES`` (2025) and BACI magnets (2024)."""
    out = []
    for slug, stage, chapter, detail, extra, basis in PRICES:
        rec = _series(mcs, chapter, detail, 2025)
        price = _number(rec["Value"]) * TO_USD_PER_T[rec["Unit"]] * extra
        out.append((slug, stage, 2025, round(price, 2), basis,
                    f"{MCS_SRC}: {chapter} / {detail} (2025, {rec['Unit']})",
                    str(slug in PROXY_PRICES).lower()))
    ree_mine = 240e6 / 51_000  # MCS 2026 Rare Earths text: 51,000 t REO valued at $240 million
    out.append(("rare_earths", "mine", 2025, round(ree_mine, 2),
                "REO in US mineral concentrates: value / quantity",
                "USGS MCS 2026 Rare Earths chapter (v1.3): 'An estimated 51,000 tons of REO in "
                "mineral concentrates was produced and was valued at $240 million' (2025)",
                "true"))
    imports_t = sum(_number(_series(mcs, "RARE EARTHS", d, 2025)["Value"]) for d in (
        "Imports: Compounds", "Imports: Metals: Ferrocerium, alloys",
        "Imports: Metals: Rare-earth metals and alloys"))
    out.append(("rare_earths", "refine", 2025, round(165e6 / imports_t, 2),
                "REO in compounds and metals: US import value / import quantity",
                "USGS MCS 2026 Rare Earths chapter (v1.3): imports of compounds and metals "
                f"valued at $165 million (2025) / {imports_t:,.0f} t REO imported "
                "(compounds + ferrocerium + metals, MCS2026_Commodities_Data.csv)", "true"))
    mag = baci[(baci["hs6"] == "850511") & (baci["year"] == "2024")].iloc[0]
    unit = float(mag["world_trade_usd"]) / float(mag["world_trade_tonnes"])
    out.append(("rare_earths", "component", 2024, round(unit, 2),
                "permanent magnets of metal (HS 850511, mostly sintered NdFeB): world trade "
                "unit value",
                f"CEPII BACI HS17 V202601 2024, HS 850511 world trade "
                f"US${float(mag['world_trade_usd']):,.0f} / {float(mag['world_trade_tonnes']):,.1f}"
                " t (../shared/data/trade)", "true"))
    pd.DataFrame(out, columns=["commodity", "stage", "year", "price_usd_per_t", "basis",
                               "source", "estimate"]).to_csv(OUT / "prices.csv", index=False)


def write_consumption(mcs: pd.DataFrame, baci: pd.DataFrame, magnet_price: float) -> None:
    """consumption.csv: US rows from MCS 2026 (``US_USE``), US magnets from BACI, Japan points."""
    out = []
    for slug, stage, chapter, commodity, detail, year, note in US_USE:
        rec = _series(mcs, chapter, detail, year, commodity)
        qty = _number(rec["Value"]) * TO_T[rec["Unit"]]
        src = f"{MCS_SRC}: {chapter} / {detail} ({year}, {rec['Unit']})"
        out.append(("USA", slug, stage, year, round(qty, 3), "t",
                    f"{src}; {note}" if note else src, "false"))
    us = baci[(baci["hs6"] == "850511") & (baci["year"] == "2024")
              & (baci["importer_iso2"] == "US")].iloc[0]
    out.append(("USA", "rare_earths", "component", 2024,
                round(float(us["import_value_usd"]) / magnet_price, 1), "t",
                f"CEPII BACI HS17 V202601: US imports of HS 850511 in 2024, "
                f"US${float(us['import_value_usd']):,.0f}, divided by the world unit value "
                f"(prices.csv); imports only (US sintered-NdFeB output was negligible in 2024)",
                "true"))
    for country, slug, stage, year, qty, src, est in JPN_USE:
        out.append((country, slug, stage, year, qty, "t", src, str(est).lower()))
    pd.DataFrame(out, columns=["country", "commodity", "stage", "year", "quantity", "unit",
                               "source", "estimate"]).to_csv(OUT / "consumption.csv", index=False)


def _stage(slug: str) -> str:
    """The stage industries buy: ``refine`` where the commodity has one, else its only stage."""
    with (OUT.parents[1] / "data" / "commodities.csv").open(encoding="utf-8") as fh:
        stages = next(r["stages"] for r in csv.DictReader(fh) if r["slug"] == slug).split("|")
    return "refine" if "refine" in stages else stages[0]


def write_derived_end_use() -> None:
    """Rewrite the derived US rows of detail_end_use.csv (see the module docstring)."""
    path = OUT / "detail_end_use.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = table[~table["source"].str.startswith(DERIVED_TAG)]
    use = pd.read_csv(SHARED / "io" / "us_bea_detail_2017" /
                      "Detail_Use_2017_PRO_BeforeRedef_17sch.csv", index_col=0)
    codes = pd.read_csv(OUT / "industry_codes.csv", dtype=str)
    names = dict(zip(codes["code"], codes["name"], strict=False))
    detail = [c for c in use.columns if c in names]
    first = pd.read_csv(OUT / "us_first_use.csv", dtype=str, keep_default_na=False)
    out = []
    for slug, supplier in DERIVED_SUPPLIER.items():
        if slug in set(table["commodity"]):
            continue
        rows = first[(first["commodity"] == slug) & (first["unmapped"] != "true")]
        for _, rec in rows.iterrows():
            prefixes = SUMMARY_PREFIXES.get(rec["industry"], (rec["industry"],))
            members = [c for c in detail if c.startswith(prefixes)]
            bought = use.loc[supplier, members].astype(float).clip(lower=0)
            basis = "BEA 2017 detail Use purchases of " + supplier
            if bought.sum() <= 0:
                bought, basis = pd.Series(1.0, index=members), "equal split (no purchases of " \
                    f"{supplier} recorded)"
            split = bought / bought.sum()
            for code, part in split[split >= 0.01].items():
                out.append({
                    "country": "USA", "commodity": slug, "stage": _stage(slug), "industry": code,
                    "end_use": f"{names[code]} (within BEA summary {rec['industry']})",
                    "share": part / split[split >= 0.01].sum() * float(rec["share"]),
                    "dependent_share": 1.0,
                    "dependent_basis": "whole industry treated as dependent (flagged): coarse "
                                       "derived row, no product-line data",
                    "source": f"{DERIVED_TAG}summary first use {rec['industry']} share "
                              f"{float(rec['share']):.3g} from us_first_use.csv ({rec['source']}); "
                              f"split over detail industries by {basis} (useeior v1.7.2 copy of "
                              "BEA's 2017 benchmark; detail shares under 1 % dropped)",
                    "estimate": "true"})
    derived = pd.DataFrame(out)
    derived["share"] = derived["share"].map(lambda v: f"{v:.6g}")
    pd.concat([table, derived], ignore_index=True).to_csv(path, index=False)


def main() -> None:
    mcs = pd.read_csv(MCS, encoding="cp1252", dtype=str)
    mcs = mcs[mcs["Section"].str.startswith("Salient")].copy()
    mcs["Year"] = pd.to_numeric(mcs["Year"], errors="coerce")
    baci = pd.read_csv(BACI_TOTALS, dtype=str)
    write_codes()
    write_prices(mcs, baci)
    prices = pd.read_csv(OUT / "prices.csv")
    magnet = prices[(prices["commodity"] == "rare_earths") & (prices["stage"] == "component")]
    write_consumption(mcs, baci, float(magnet["price_usd_per_t"].iloc[0]))
    write_derived_end_use()


if __name__ == "__main__":
    main()
