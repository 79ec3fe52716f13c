"""World Bank Worldwide Governance Indicators, 2024 update (long CSV) into ``governance``.

WGI codes are World Bank legacy codes, not always ISO3 (ROM, ZAR, TMP, ADO, WBG, KSV); they go
through ``conventions.countries.to_iso3`` (alias table, then country_converter). Missing
estimates are the text ``..`` and load as NULL. Accepts the full long CSV of the release or
the shipped 2013–2023 extract (same columns).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..conventions.countries import to_iso3
from ..errors import IngestError
from ._csv import ROW, numbers, package_file, read_table, reject_first, require_values

__all__ = ["INDICATORS", "KIND", "SOURCE", "load", "read", "shipped"]

KIND = "wgi"
SOURCE = "wgi-2024"
EDITION = "WGI 2024 update (data 1996-2023)"
#: The six WGI dimensions (EC 2017 averages all six).
INDICATORS = ("va", "pv", "ge", "rq", "rl", "cc")
_COLUMNS = ("code", "year", "indicator", "estimate", "pctrank")


def shipped() -> list[Path]:
    """The shipped 2013–2023 extract of the WGI 2024 update."""
    return [package_file("wgi", "wgi_2024update_2013_2023.csv.gz")]


def read(path: str | Path) -> dict[str, pd.DataFrame]:
    """Validated ``governance`` rows (ISO3, year, indicator, estimate, pctrank)."""
    name = Path(path).name
    raw = read_table(path, _COLUMNS)
    if raw.empty:
        raise IngestError("no data rows", file=name, row=2)
    require_values(raw, ("code", "year", "indicator"), name)
    year = numbers(raw, "year", name, lower=1990, upper=2100)
    ind = raw["indicator"].str.strip().str.lower()
    reject_first(~ind.isin(INDICATORS), raw, "indicator", "unknown indicator {value!r}", name)
    codes = raw["code"].str.strip()
    iso = {c: to_iso3(c, file=name, row=int((codes == c).to_numpy().argmax()) + 2,
                      field="code") for c in codes.unique()}
    out = pd.DataFrame(
        {
            "country": codes.map(iso),
            "year": year.astype(int),
            "indicator": ind,
            "estimate": numbers(raw, "estimate", name, missing=("..",), lower=-5, upper=5),
            "pctrank": numbers(raw, "pctrank", name, missing=("..",), lower=0, upper=100),
        }
    )
    reject_first(out["country"].isin(["WLD", "OTH"]), raw, "code", "aggregate, not a country",
                 name)
    dup = out.duplicated(["country", "year", "indicator"])
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise IngestError(f"{out['country'].iloc[i]} appears twice for this year and indicator",
                          file=name, row=int(raw[ROW].iloc[i]), field="code")
    return {"governance": out}


def load(store, path: str | Path) -> int:
    """Read ``path`` and replace the ``wgi-2024`` rows of the store (caller's transaction)."""
    tables = read(path)
    years = tables["governance"]["year"]
    return store.replace_source(
        SOURCE, KIND, tables, edition=EDITION, path=str(path),
        years=(int(years.min()), int(years.max())),
    )
