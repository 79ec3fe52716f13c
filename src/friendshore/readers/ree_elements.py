"""Rare earths by element: deposit composition (USGS MYB 2022 T2) and the element series
derived from it.

* ``read(path)`` validates the composition table ``data/rare_earths/myb2022_t2_composition.csv``
  (written by ``tools/make_ree_composition.py``: one row per deposit and element, % of REO);
* ``load(store, path)`` derives the element ``supply`` rows (source ``friendshore-ree-elements``)
  from the store's rare-earth series with the shipped assumptions, so ``supply``, ``risk`` and
  the stress network see the element markets; it must run after the USGS and IEA readers.

The derivation (:func:`element_rows`), per element e (``ELEMENTS``: NdPr = Nd + Pr):

* mine: q_ce = Q_c · Σ_d w_cd · x_de / 100, with Q_c the country's REO mine output (USGS, every
  observed year), w_cd its ore mix (``rare_earths_ore_by_country``, else
  ``rare_earths_ore_default``) and x_de the deposit's % of REO; the world row is Σ_c q_ce
  scaled to the source's world total;
* refine (separation): r_ce = s_c · Σ_c q_ce, with s_c the country's share of the IEA
  magnet rare-earth refining series (the only separation data by country) and the world mine
  output of the nearest year.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import IngestError
from ._csv import numbers, package_file, read_table, reject_first, require_values

__all__ = ["ELEMENTS", "KIND", "SOURCE", "element_rows", "load", "read", "shipped"]

KIND = "ree-elements"
SOURCE = "friendshore-ree-elements"
FILE = "myb2022_t2_composition.csv"
#: Element market slug -> the element symbols of USGS MYB 2022 T2 it sums (oxide, % of REO).
ELEMENTS: dict[str, tuple[str, ...]] = {
    "ndpr": ("Nd", "Pr"), "dysprosium": ("Dy",), "terbium": ("Tb",), "samarium": ("Sm",),
    "gadolinium": ("Gd",), "lutetium": ("Lu",), "yttrium": ("Y",), "lanthanum": ("La",),
    "cerium": ("Ce",), "europium": ("Eu",), "holmium": ("Ho",), "erbium": ("Er",),
    "ytterbium": ("Yb",),
}
_SYMBOLS = {s for syms in ELEMENTS.values() for s in syms} | {"Tm"}
_COLS = ("row", "mineral", "country", "deposit", "element", "percent_reo", "bound")


def shipped() -> list[Path]:
    """The shipped composition table."""
    return [package_file("rare_earths", FILE)]


def read(path: str | Path) -> pd.DataFrame:
    """The composition table: deposit x element share of REO (0-1), blank cells 0.

    A '<x' cell counts x (an upper bound, flagged in the file). Errors name file, row, field.
    """
    path = Path(path)
    raw = read_table(path, _COLS)
    name = path.name
    require_values(raw, ("row", "deposit", "element", "percent_reo"), name)
    reject_first(~raw["element"].isin(_SYMBOLS), raw, "element", "unknown element {value!r}",
                 name)
    pct = numbers(raw, "percent_reo", name, lower=0.0, upper=100.0)
    dup = raw.duplicated(["deposit", "element"])
    reject_first(dup, raw, "element", "element {value!r} given twice for one deposit", name)
    wide = (pd.DataFrame({"deposit": raw["deposit"], "element": raw["element"], "pct": pct})
            .pivot(index="deposit", columns="element", values="pct").fillna(0.0) / 100.0)
    over = wide.sum(axis=1)
    if (over > 1.05).any():
        raise IngestError(f"deposit {over.idxmax()!r} sums to {over.max():.1%} of REO",
                          file=name, field="percent_reo")
    return wide.reindex(columns=sorted(_SYMBOLS), fill_value=0.0)


def ore_shares(composition: pd.DataFrame, values: Any, countries: list[str]) -> pd.DataFrame:
    """country x element share of the country's mined REO (0-1), from its ore mix."""
    by = values["rare_earths_ore_by_country"] or {}
    default = values["rare_earths_ore_default"] or {}
    rows = {}
    for c in countries:
        mix: Mapping[str, float] = by.get(c, default)
        unknown = set(mix) - set(composition.index)
        if unknown:
            raise IngestError(f"unknown deposit(s) {sorted(unknown)} for {c}; deposits: "
                              f"{', '.join(composition.index)}",
                              field="rare_earths_ore_by_country")
        total = sum(mix.values())
        rows[c] = sum(composition.loc[d] * (w / total) for d, w in mix.items())
    return pd.DataFrame({e: pd.DataFrame(rows).T[list(s)].sum(axis=1)
                         for e, s in ELEMENTS.items()})


def element_rows(supply: pd.DataFrame, composition: pd.DataFrame, values: Any) -> pd.DataFrame:
    """Element ``supply`` rows derived from the rare-earth rows in ``supply`` (columns of the
    store's ``supply`` table; production rows of rare_earths mine and magnet_rare_earths
    refine, no projections). See the module docstring for the equations."""
    prod = supply[(supply["measure"] == "production") & supply["scenario"].isna()]
    mine = prod[(prod["commodity"] == "rare_earths") & (prod["stage"] == "mine")]
    if mine.empty:
        return supply.iloc[:0]
    newest = mine.groupby("source")["year"].max().sort_values().index[-1]
    mine = mine[mine["source"] == newest]
    share = ore_shares(composition, values, sorted(set(mine["country"]) - {"WLD"}))
    frames = []
    world: dict[tuple[str, int], float] = {}
    for year, rows in mine.groupby("year"):
        countries = rows[rows["country"] != "WLD"]
        for e in ELEMENTS:
            q = countries.assign(value=countries["value"] * countries["country"].map(share[e]))
            wld = rows[rows["country"] == "WLD"]
            total = q["value"].sum()
            if len(wld) and countries["value"].sum() > 0:
                wld = wld.assign(value=wld["value"] * total / countries["value"].sum())
            world[(e, int(year))] = total
            frames.append(pd.concat([q, wld]).assign(commodity=e))
    refine = prod[(prod["commodity"] == "magnet_rare_earths") & (prod["stage"] == "refine")]
    for year, rows in refine.groupby("year"):
        countries = rows[~rows["is_aggregate"] | (rows["country"] == "OTH")]
        s = countries["value"] / countries["value"].sum()
        for e in ELEMENTS:
            near = min((y for (el, y) in world if el == e), key=lambda y: (abs(y - year), -y))
            out = countries.assign(value=s * world[(e, near)], commodity=e)
            wld = rows[rows["country"] == "WLD"].assign(value=world[(e, near)], commodity=e)
            frames.append(pd.concat([out, wld]))
    out = pd.concat(frames, ignore_index=True)
    out["basis"] = out["commodity"].map(lambda e: f"{'+'.join(ELEMENTS[e])} oxide (REO basis)")
    out["estimated"] = True
    out["series"] = [f"derived from {src} {st} x USGS MYB 2022 T2 composition"
                     for src, st in zip(out["source"], out["stage"], strict=True)]
    return out.drop(columns=["source"])


def load(store: Any, path: str | Path) -> int:
    """Derive the element rows from ``store``'s rare-earth series (shipped assumptions) and
    replace the ``friendshore-ree-elements`` source (caller holds a transaction)."""
    from ..assumptions import Assumptions  # the assumptions layer reads package data only
    from ..store.queries_stress import rare_earth_production

    rows = element_rows(rare_earth_production(store), read(path), Assumptions())
    years = (int(rows["year"].min()), int(rows["year"].max())) if len(rows) else (None, None)
    return store.replace_source(SOURCE, KIND, {"supply": rows},
                                edition="USGS MYB 2022 T2 x rare-earth mine and refine series",
                                path=str(path), years=years)
