"""LNG supply security: supplier shares per importer, dependence on risky origins, and
liquefaction capacity by status.

Definitions (all from the EI 2023 bilateral matrix, bcm):

* supplier share s(i, e) = flow(e -> i) / sum_e flow(e -> i);
* supplier HHI(i) = sum_e s(i, e)^2 over named exporters (EI's residual ``OTH`` counted as
  one supplier, an upper bound on diversity);
* dependence on a group G = sum_{e in G} s(i, e): the share of i's LNG imports from G (for
  example the Strait of Hormuz exporters Qatar and the UAE). This is a share of LNG imports,
  not of total gas supply (the EI pipeline and consumption sheets are not shipped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = ["ORIGIN_GROUPS", "capacity_by_status", "dependence", "supplier_shares"]

#: Origin groups reported for each importer: name -> exporters (ISO3).
ORIGIN_GROUPS: dict[str, tuple[str, ...]] = {
    "hormuz": ("QAT", "ARE"),  # LNG loaded inside the Strait of Hormuz (Ras Laffan, Das Island)
    "russia": ("RUS",),
    "usa": ("USA",),
}
CAPACITY_STATUSES = ("operating", "construction", "proposed")


def supplier_shares(matrix: pd.DataFrame, importers: Iterable[str] | None = None) -> pd.DataFrame:
    """``importer, exporter, bcm, share`` (share of the importer's LNG imports), largest first."""
    df = matrix[matrix["bcm"] > 0]
    if importers is not None:
        df = df[df["importer"].isin(list(importers))]
    total = df.groupby("importer")["bcm"].transform("sum")
    out = df.assign(share=df["bcm"] / total)[["importer", "exporter", "bcm", "share"]]
    return out.sort_values(["importer", "bcm"], ascending=[True, False]).reset_index(drop=True)


def dependence(
    shares: pd.DataFrame, groups: Mapping[str, Iterable[str]] | None = None
) -> pd.DataFrame:
    """Per importer: imports, top supplier and its share, supplier HHI, share from each group."""
    groups = groups if groups is not None else ORIGIN_GROUPS
    rows = []
    for importer, part in shares.groupby("importer", sort=True):
        top = part.iloc[part["bcm"].to_numpy().argmax()]
        row = {
            "importer": importer,
            "imports_bcm": float(part["bcm"].sum()),
            "top_supplier": top["exporter"],
            "top_share": float(top["share"]),
            "hhi": float((part["share"] ** 2).sum()),
        }
        for name, members in groups.items():
            row[f"share_{name}"] = float(part.loc[part["exporter"].isin(list(members)),
                                                  "share"].sum())
        rows.append(row)
    return pd.DataFrame(rows).sort_values("imports_bcm", ascending=False).reset_index(drop=True)


def capacity_by_status(terminals: pd.DataFrame, bcm_per_mt: float) -> pd.DataFrame:
    """Liquefaction (export) capacity per country: Mtpa and bcm/yr by status, plus world row.

    Columns ``<status>_mtpa`` and ``<status>_bcm`` for operating, construction, proposed;
    bcm = Mtpa x ``bcm_per_mt`` (assumption ``lng_bcm_per_mt``).
    """
    exp = terminals[(terminals["facility_type"] == "export")
                    & terminals["status"].isin(CAPACITY_STATUSES)]
    wide = exp.pivot_table(index="country", columns="status", values="capacity_mtpa",
                           aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=list(CAPACITY_STATUSES), fill_value=0.0)
    wide.columns = [f"{c}_mtpa" for c in wide.columns]
    for status in CAPACITY_STATUSES:
        wide[f"{status}_bcm"] = wide[f"{status}_mtpa"] * bcm_per_mt
    wide = wide.sort_values("operating_mtpa", ascending=False)
    wide.loc["WLD"] = wide.sum()
    return wide.reset_index().rename(columns={"index": "country"})
