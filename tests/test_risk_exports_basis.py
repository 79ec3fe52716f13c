"""Risk rows without production data: concentration from exporters' shares of world exports."""

from __future__ import annotations

import csv
import gzip
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import friendshore as fs

#: Columns of the risk table that hold the concentration metrics.
_CONC = ["hhi", "hhi_wgi", "top_country", "top_share", "china_share", "allied_share"]


def _row(table: pd.DataFrame, commodity: str, stage: str) -> pd.Series:
    """The risk table's one row for ``commodity`` x ``stage``."""
    hit = table[(table["commodity"] == commodity) & (table["stage"] == stage)]
    assert len(hit) == 1, (commodity, stage)
    return hit.iloc[0]


def _baci_exports(hs6: str) -> dict[str, float]:
    """Tonnes exported per exporter in the shipped BACI 2024 file (own-country flows and flows
    without a quantity skipped), summed by hand from the CSV."""
    path = resources.files("friendshore") / "data" / "trade"
    out: dict[str, float] = {}
    with gzip.open(str(path / "baci_hs17_2024_critical_materials.csv.gz"), "rt") as fh:
        for r in csv.DictReader(fh):
            if r["hs6"] == hs6 and r["qty_t"] and r["exporter_iso3"] != r["importer_iso3"]:
                out[r["exporter_iso3"]] = out.get(r["exporter_iso3"], 0.0) + float(r["qty_t"])
    return out


def test_magnet_row_uses_china_share_of_baci_2024_exports(risk_table) -> None:
    exports = _baci_exports("850511")
    total = sum(exports.values())
    row = _row(risk_table, "rare_earths", "component")
    assert row["share_basis"] == "exports"
    assert row["year"] == 2024
    assert row["china_share"] == pytest.approx(exports["CHN"] / total, rel=1e-9)
    assert row["china_share"] == pytest.approx(0.73, abs=0.01)  # atlas docs: China ≈ 73 %
    assert row["top_country"] == "CHN"
    assert row["hhi"] == pytest.approx(sum((v / total) ** 2 for v in exports.values()), rel=1e-9)
    assert np.isnan(row["world_production"])  # exports are not production
    assert row["world_exports"] == pytest.approx(total, rel=1e-9)
    assert row["eu_supply_risk"] == pytest.approx(row["hhi_wgi"] * (1 - row["eol_rir"])
                                                  * row["si_sr"], rel=1e-9)


def test_export_rows_agree_with_supply(risk_table) -> None:
    for rec in risk_table[risk_table["share_basis"] == "exports"].itertuples():
        sup = fs.supply(rec.commodity, rec.stage)
        assert sup.attrs["measure"] == "exports"
        assert rec.top_country == sup["country"].iloc[0]
        assert rec.top_share == pytest.approx(sup["share"].iloc[0], rel=1e-9)
        assert rec.hhi == pytest.approx(float((sup["share"] ** 2).sum()), rel=1e-9)


def test_production_rows_keep_their_values(risk_table) -> None:
    # production-based rows (USGS MCS 2026, 2025 production; graphite refine: IEA 2023)
    assert _row(risk_table, "rare_earths", "mine")["china_share"] == pytest.approx(
        270_000 / 389_310, rel=1e-9)
    # gallium by hand: China 900, Russia 6, Japan 3 t -> HHI (900² + 6² + 3²) / 909² = 0.980351
    for com, stage, hhi, cn in [("rare_earths", "mine", 0.507236, 0.693535),
                                ("gallium", "refine", 0.980351, 0.990099),
                                ("tungsten", "mine", 0.623436, 0.786939),
                                ("graphite", "refine", 0.807771, 0.896630)]:
        row = _row(risk_table, com, stage)
        assert row["share_basis"] == "production"
        assert row["hhi"] == pytest.approx(hhi, abs=1e-6)
        assert row["china_share"] == pytest.approx(cn, abs=1e-6)
        assert pd.isna(row["world_exports"])
        assert row["world_production"] > 0


def test_rows_with_neither_production_nor_trade_stay_null(risk_table) -> None:
    for com, stage in [("abrasives", "refine"), ("lead", "refine"), ("zinc", "refine")]:
        row = _row(risk_table, com, stage)
        assert pd.isna(row["share_basis"])
        assert row[_CONC].isna().all(), row[_CONC]
        assert pd.isna(row["world_exports"]) and pd.isna(row["world_production"])


def test_production_series_without_values_does_not_fall_back(risk_table) -> None:
    # germanium refine: USGS lists producers but withholds every value; supply shows those
    # rows, not exports, so risk leaves the shares null as well
    row = _row(risk_table, "germanium", "refine")
    assert pd.isna(row["share_basis"]) and pd.isna(row["hhi"])


def test_share_basis_follows_the_commodity_filter() -> None:
    table = fs.risk(["rare_earths"])
    assert table.set_index("stage")["share_basis"].to_dict() == {
        "mine": "production", "component": "exports"}
