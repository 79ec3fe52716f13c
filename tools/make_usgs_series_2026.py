"""Draft ``data/usgs_series_2026.csv``: map each MCS 2026 world series to an MCS 2025 series.

Both releases hold 2024 (MCS 2026 revises some of it). A 2026 series (Commodity, Statistics,
Statistics_detail without ': rounded') takes the slug, stage and measure of the loaded MCS 2025
series whose 2024 country values agree with its own on most countries (within 2 %); reserves
are compared with the 2025 release's reserves (2024 vs 2025, mostly unchanged). A series with
no match of at least two countries is written unloaded with the reason, for review by hand.

Run: ``python tools/make_usgs_series_2026.py > src/friendshore/data/usgs_series_2026.csv``,
then review the ``note`` column (``match`` gives the countries that agreed).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from friendshore.conventions.commodities import normalise_name
from friendshore.errors import IngestError
from friendshore.readers import usgs_mcs, usgs_mcs2026
from friendshore.readers._csv import clean_text, package_file, read_strict


def _new() -> pd.DataFrame:
    path = package_file("usgs_mcs2026", "MCS2026_Commodities_Data.csv")
    raw = read_strict(path, encoding=usgs_mcs2026.ENCODING)
    for col in raw.columns:
        raw[col] = raw[col].map(clean_text)
    raw = raw[raw["Section"].str.casefold().str.startswith("world")].copy()
    raw["detail"] = raw["Statistics_detail"].map(
        lambda s: usgs_mcs2026._ROUNDED.sub("", s).strip())
    cells = usgs_mcs2026.parse_values(raw, str(path))
    unit = raw["Unit"].map(normalise_name).map(lambda u: usgs_mcs.UNITS.get(u, ("?", 1, 1)))
    raw["value"] = cells["value"] * unit.str[1].astype(float) / unit.str[2].astype(float)
    codes = {}
    for name in raw["Country"].unique():
        try:
            codes[name] = usgs_mcs._country(name, file="", row=0)["country"]
        except IngestError:
            codes[name] = None
    raw["country"] = raw["Country"].map(codes)
    return raw


#: 2026 chapter commodity labels whose friendshore slug the name lookup does not find.
_ALIASES = {
    "feldspar and nepheline syenite": "Feldspar", "graphite (natural)": "Graphite",
    "iron and steel": None, "alumina": "Bauxite", "tio2 pigment": "titanium_dioxide",
    "titanium sponge metal": "titanium", "magnesium metal": "magnesium",
    "niobium (columbium)": "niobium", "nitrogen (fixed)—ammonia": "nitrogen",
    "pumice and pumicite": "pumice", "talc and pyrophyllite": "talc",
    "zeolites (natural)": "zeolites", "zirconium": "zirconium", "gemstones": "gem_diamond",
    "diamond (industrial)": "industrial_diamond", "sand and gravel (industrial)":
    "industrial_sand", "kyanite and related minerals": "kyanite", "soda ash": "soda_ash",
    "phosphate rock": "phosphate_rock", "magnesium compounds": "magnesium_compounds",
    "iron oxide pigments": "iron_oxide_pigments", "iron ore": "iron_ore",
    "garnet (industrial)": "garnet", "mica (natural)": "mica",
}
_DETAIL_SLUG = {"pig iron": "pig_iron", "raw steel": "steel", "mine production: bentonite":
                "bentonite", "mine production: fuller’s earth": "fullers_earth",
                "mine production: kaolin": "kaolin", "mine production: ilmenite": "ilmenite",
                "mine production: rutile": "rutile", "reserves: ilmenite": "ilmenite",
                "reserves: rutile": "rutile", "mine production: palladium": "palladium",
                "mine production: platinum": "platinum"}


def _slug(commodity: str, detail: str) -> str | None:
    from friendshore.conventions.commodities import validate_commodity
    from friendshore.errors import UnknownNameError

    d = normalise_name(detail)
    if d in _DETAIL_SLUG:
        return _DETAIL_SLUG[d]
    c = normalise_name(commodity)
    name = _ALIASES.get(c, commodity)
    if name is None:
        return None
    try:
        return validate_commodity(name)
    except UnknownNameError:
        return None


def _stage(statistics: str, detail: str, slug: str) -> str | None:
    from friendshore.conventions.commodities import all_commodities

    stages = all_commodities()[slug].stages
    t = f"{statistics} {detail}".casefold()
    if "mine" in t or "reserves" in t:
        want = "mine"
    elif any(k in t for k in ("refiner", "smelter", "plant", "primary", "sponge", "pigment",
                              "alumina", "steel", "iron", "clinker", "cement")):
        want = "refine"
    else:
        want = all_commodities()[slug].main_stage
    if "reserves" in t and want not in stages:
        want = all_commodities()[slug].main_stage
    return want if want in stages else None


#: Where a stage has overlapping series, the one the MCS 2025 reader loaded (same basis).
_PREFER = {("iron_ore", "production"): "mine production: iron content",
           ("iron_ore", "reserves"): "reserves (million metric tons): iron content",
           ("potash", "reserves"): "reserves: k2o equivalent"}


def main() -> None:
    """Series of one (slug, stage, measure) whose country rows are disjoint are country
    descriptors of one table (talc: 'crude' for the US, 'steatite' for India): all loaded.
    Overlapping series are alternatives: the preferred one (``_PREFER``, else the one with
    most countries) is loaded, the others are listed as not loaded."""
    new = _new()
    new = new.assign(k=new["Commodity"].map(normalise_name),
                     d=new["detail"].map(normalise_name), s=new["Statistics"].map(normalise_name))
    rows = []
    for (_, st, d), grp in new.groupby(["k", "s", "d"], sort=False):
        first = grp.iloc[0]
        slug = _slug(first["Commodity"], first["detail"])
        stage = _stage(first["Statistics"], first["detail"], slug) if slug else None
        countries = set(grp["country"].dropna()) - {"WLD", "OTH"}
        rows.append({"usgs_commodity": first["Commodity"], "statistics": first["Statistics"],
                     "detail": first["detail"], "slug": slug or "", "stage": stage or "",
                     "measure": st, "countries": countries, "d": d})
    df = pd.DataFrame(rows)
    df["note"] = np.where((df["slug"] == "") | (df["stage"] == ""),
                          "not loaded: no friendshore commodity or stage", "")
    df.loc[df["note"] != "", ["slug", "stage"]] = ""
    for (slug_, _, measure), grp in df[df["slug"] != ""].groupby(
            ["slug", "stage", "measure"]):
        if len(grp) < 2:
            continue
        sets = list(grp["countries"])
        disjoint = sum(len(x) for x in sets) == len(set().union(*sets))
        if disjoint:
            df.loc[grp.index, "note"] = "country descriptor of one table: rows summed"
            continue
        want = _PREFER.get((slug_, measure))
        keep = (grp.index[grp["d"] == want][0] if want in set(grp["d"])
                else grp["countries"].map(len).idxmax())
        for i in grp.index:
            if i != keep:
                df.loc[i, ["slug", "stage"]] = ""
                df.loc[i, "note"] = (f"not loaded: one series per stage "
                                     f"({df.loc[keep, 'detail']} loaded)")
    df["exclude_rows"] = ""
    df["unit_override"] = ""
    cols = ["usgs_commodity", "statistics", "detail", "slug", "stage", "measure",
            "exclude_rows", "note", "unit_override"]
    df[cols].to_csv(sys.stdout, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
