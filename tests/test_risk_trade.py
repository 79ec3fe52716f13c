"""Trade reader: BACI and Comtrade layouts, units, commodity mapping, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from friendshore.errors import IngestError
from friendshore.readers import comtrade, trade
from ingest_checks import assert_rejects

BACI_HEAD = ("year,exporter_iso3,exporter_name,importer_iso3,importer_name,hs6,material,"
             "value_kusd,qty_t\n")


@pytest.fixture(scope="module")
def baci():
    return trade.read(trade.shipped()[0])["trade_flows"]


def test_published_magnet_flow(baci) -> None:
    # PROVENANCE.md: CHN -> USA, HS 850511, 2024 = 366,341 kUSD and 8,679 t
    row = baci[(baci.exporter == "CHN") & (baci.importer == "USA") & (baci.hs6 == "850511")]
    assert len(row) == 1
    assert row.iloc[0]["value_usd"] == pytest.approx(366_341_101, rel=1e-6)
    assert row.iloc[0]["quantity"] == pytest.approx(8_679, abs=1)
    assert (row.iloc[0]["commodity"], row.iloc[0]["stage"]) == ("rare_earths", "component")


def test_mixed_hs_group_and_taiwan(baci) -> None:
    mixed = baci[baci.hs6 == "811292"]
    assert set(mixed["commodity"]) == {"gallium", "germanium"}
    g = mixed[mixed.commodity == "gallium"].drop(columns="commodity")
    ge = mixed[mixed.commodity == "germanium"].drop(columns="commodity")
    assert g.reset_index(drop=True).equals(ge.reset_index(drop=True))
    assert "TWN" in set(baci["exporter"]) and "S19" not in set(baci["exporter"])
    assert not {"270112", "280470"} & set(baci["hs6"])


def test_comtrade_agrees_with_baci_and_has_no_world_rows() -> None:
    ct = comtrade.read(comtrade.shipped()[0])["trade_flows"]
    assert not {"WLD", "OTH"} & (set(ct.exporter) | set(ct.importer))
    us = ct[(ct.importer == "USA") & (ct.exporter == "CHN") & (ct.hs6 == "850511")]
    # PROVENANCE.md: US-reported imports from China of magnets = 359.8 M USD
    assert us["value_usd"].sum() == pytest.approx(359.8e6, rel=1e-3)
    assert (ct.exporter != ct.importer).all()


def test_top_flows_skip_2024_and_duplicate_groups() -> None:
    top = trade.read(trade.shipped()[1])["trade_flows"]
    assert top["year"].max() == 2023 and top["year"].min() == 2018
    assert not top.duplicated(["year", "commodity", "exporter", "importer"]).any()


@pytest.mark.parametrize(
    ("body", "row", "field"),
    [
        ("2024,CHN,China,USA,USA,850511,magnets,-5,1\n", 2, "value_kusd"),
        ("2024,CHN,China,USA,USA,85051,magnets,5,1\n", 2, "hs6"),
        ("2024,CHN,China,QQQ,Nowhere,850511,magnets,5,1\n", 2, "importer_iso3"),
        ("2024,CHN,China,USA,USA,850511,magnets,5,1\n2024,CHN,China,JPN,Ja", 3, "hs6"),
    ],
)
def test_bad_baci_rows(tmp_path: Path, body: str, row: int, field: str) -> None:
    assert_rejects(trade.read, tmp_path / "bad.csv", BACI_HEAD + body, row=row, field=field)


def test_bad_comtrade_and_unknown_layout(tmp_path: Path) -> None:
    head = "reporter,partner,cmd,flow,value,netwgt\n"
    p = tmp_path / "ct.csv"
    assert_rejects(trade.read, p, head + "392,156,850511,Q,10,1\n", row=2, field="flow")
    assert_rejects(trade.read, p, head + "392,99999,850511,M,10,1\n", row=2, field="partner")
    q = tmp_path / "other.csv"
    q.write_text("a,b\n1,2\n")
    with pytest.raises(IngestError, match=r"file other\.csv, row 1"):
        trade.read(q)
