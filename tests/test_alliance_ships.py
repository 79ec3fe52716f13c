"""Shipbuilding: UNCTADstat reader, shares against UNCTAD's published 2019 figures, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from friendshore.api import _alliance as api
from friendshore.cli import app
from friendshore.errors import IngestError, UnknownNameError
from friendshore.readers import ships as reader

HEADER = ("Year,Series,Series Label,Country,Country Label,ShipType,ShipType Label,"
          "Percentage of total all economies,Percentage of total all economies Footnote,"
          "Gross Tonnage,Gross Tonnage Footnote\n")


def _mock(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "ships.csv"
    path.write_text("\ufeff" + HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_2019_shares_match_unctad(store) -> None:
    table = api.ships(2019, store=store)["table"].set_index("country")["share"]
    assert table["CHN"] == pytest.approx(0.350, abs=5e-4)
    assert table["KOR"] == pytest.approx(0.329, abs=5e-4)
    assert table["JPN"] == pytest.approx(0.246, abs=5e-4)


def test_aggregates_never_in_shares(store) -> None:
    res = api.ships(store=store)
    table = res["table"]
    assert table["country"].str.fullmatch(r"[A-Z]{3}").all()
    assert not table["country"].isin(["WLD", "OTH"]).any()
    # individual economies cover 99.9-100% of UNCTAD's World row in every year
    totals = table.groupby("year")["share"].sum()
    assert ((totals > 0.998) & (totals <= 1.0 + 1e-9)).all()
    assert res["latest_year"] == 2019 and "2019" in res["data_age"]


def test_allied_share_is_sum_of_members(store) -> None:
    res = api.ships(2019, store=store)
    t = res["table"].set_index("country")["share"]
    assert res["allied_share"][2019] > t["KOR"] + t["JPN"]
    assert res["allied_share"][2019] + res["china_share"][2019] < 1.0
    assert res["china_share"][2019] == pytest.approx(t["CHN"])


def test_supply_rows_for_the_network(store) -> None:
    df = store.query("SELECT * FROM supply WHERE commodity = 'shipbuilding' AND year = 2019 "
                     "AND NOT is_aggregate")
    assert set(df["stage"]) == {"component"} and set(df["unit"]) == {"GT"}
    assert df.set_index("country").loc["CHN", "value"] == 23074209


def test_unknown_year_lists_available(store) -> None:
    with pytest.raises(UnknownNameError, match="2019"):
        api.ships(2023, store=store)


def test_reader_mock_and_unknown_country(tmp_path: Path) -> None:
    ok = _mock(tmp_path, [
        '2019,2306,"x",0000,"World",0,"Total fleet",100,,100,',
        '2019,2306,"x",5400,"Europe",0,"Total fleet",40,,40,',
        '2019,2306,"x",392,"Japan",0,"Total fleet",60,,60,',
        '2019,2306,"x",158,"China, Taiwan Province of",0,"Total fleet",40,,40,',
    ])
    ships = reader.read(ok)["ships_built"]
    assert ships.set_index("economy").loc["Japan", "country"] == "JPN"
    assert ships.set_index("economy").loc["China, Taiwan Province of", "country"] == "TWN"
    assert ships["is_aggregate"].tolist() == [True, True, False, False]
    bad = _mock(tmp_path, ['2019,2306,"x",999,"Atlantis",0,"Total fleet",1,,1,'])
    with pytest.raises(IngestError, match=r"file ships\.csv, row 2, field 'Country Label'"):
        reader.read(bad)
    neg = _mock(tmp_path, ['2019,2306,"x",392,"Japan",0,"Total fleet",1,,-5,'])
    with pytest.raises(IngestError, match="Gross Tonnage"):
        reader.read(neg)


def test_cli_ships_json() -> None:
    result = CliRunner().invoke(app, ["ships", "--year", "2019", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {"country", "year", "gt", "share"}
    assert rows[0]["country"] == "CHN"
    assert "latest year 2019" in result.stderr


def test_shipyard_ripple_uses_the_shipbuilding_sectors() -> None:
    jpn = api.shipyard_ripple("JPN", 1e9, phase="operation")
    usa = api.shipyard_ripple("USA", 1e9, phase="operation")
    assert jpn["industry"] == "3541" and usa["industry"] == "3364OT"
    for out in (jpn, usa):  # Type I output multiplier: above 1 (direct) and below 4
        assert 1e9 < out["output_usd"] < 4e9
    with pytest.raises(UnknownNameError, match="shipbuilding IO sector"):
        api.shipyard_ripple("KOR", 1e9)
