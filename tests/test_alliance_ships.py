"""Shipbuilding: UNCTAD readers, shares against UNCTAD's published 2019 and 2024 figures, CLI."""

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


def test_2024_shares_match_rmt_2025(store) -> None:
    # UNCTAD Review of Maritime Transport 2025, Table II.6: China 54.6 %, Korea 28.0 %, Japan 12.6 %
    table = api.ships(2024, store=store)["table"].set_index("country")["share"]
    assert table["CHN"] == pytest.approx(0.546, abs=0.002)
    assert table["KOR"] == pytest.approx(0.280, abs=0.002)
    assert table["JPN"] == pytest.approx(0.126, abs=0.002)


def test_aggregates_never_in_shares(store) -> None:
    res = api.ships(store=store)
    table = res["table"]
    assert table["country"].str.fullmatch(r"[A-Z]{3}").all()
    assert not table["country"].isin(["WLD", "OTH", "EUR", "ROW"]).any()
    series = res["series"].set_index("year")
    # where every economy is listed (2014-2019) they cover 99.9-100% of UNCTAD's World row;
    # the 2020-2025 file names the leaders only, never more than the world
    full = series[series["all_listed"]]
    assert list(full.index) == list(range(2014, 2020))
    assert ((full["listed"] > 0.998) & (full["listed"] <= 1.0 + 1e-9)).all()
    assert (series["listed"] <= 1.0 + 1e-9).all()
    assert res["latest_year"] == 2025 and "2025" in res["data_age"]


def test_series_marks_what_is_not_named(store) -> None:
    series = api.ships(store=store)["series"].set_index("year")
    assert list(series.index) == list(range(2014, 2026))
    # Korea and Japan 2020-2022 were not found: missing, not zero; no ally named, no allied share
    assert series.loc[[2020, 2021, 2022], ["KOR", "JPN", "allied_share"]].isna().all().all()
    assert series.loc[2023, "JPN"] == pytest.approx(0.154, abs=0.001)  # PROVENANCE: 15.4 %
    assert series.loc[2019, "allied_share"] == pytest.approx(0.611, abs=0.001)


def test_segments_2024(store) -> None:
    seg = api.ships(store=store)["segments"].set_index("segment")
    assert set(seg["year"]) == {2024}
    # Table II.6: Japan built 5,729 of 19,072 thousand GT of bulk carriers, Korea none
    assert seg.loc["Bulk carriers", "JPN"] == pytest.approx(5729 / 19072)
    assert seg.loc["Bulk carriers", "KOR"] == 0.0
    assert seg.loc["Gas carriers", "KOR"] > 0.7  # Korea leads in gas carriers
    assert (seg[["CHN", "KOR", "JPN"]].sum(axis=1) <= 1.0).all()


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
    y24 = store.query("SELECT country, value FROM supply WHERE commodity = 'shipbuilding' "
                      "AND year = 2024").set_index("country")["value"]
    # RMT's Europe (625) and rest of world (1,466 thousand GT) go to OTH; all add up to World
    assert y24["OTH"] == 625000 + 1466000
    assert y24.drop("WLD").sum() == pytest.approx(y24["WLD"], abs=1000)


def test_unknown_year_lists_available(store) -> None:
    with pytest.raises(UnknownNameError, match="2023"):
        api.ships(2013, store=store)


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


def _rmt(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "rmt.csv"
    path.write_text("year,iso3,economy,gross_tonnage,basis,source\n"
                    + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_reader_2020_2025_format(tmp_path: Path) -> None:
    ok = reader.read(_rmt(tmp_path, ["2024,WLD,World,100,reported,x", "2024,JPN,Japan,20,derived,x",
                                     "2024,ROW,Rest of world,80,transcribed,x"]))
    ships = ok["ships_built"].set_index("economy")
    assert ships.loc["Japan", "share_of_world_pct"] == pytest.approx(20.0)
    assert ships.loc["World", "unctad_code"] == "0000" and ships["is_aggregate"].sum() == 2
    assert ok["supply"].set_index("country").loc["OTH", "value"] == 80
    for rows, field in ((["2024,WLD,World,100,reported,x", "2024,XXX,Atlantis,1,reported,x"],
                         "iso3"),
                        (["2024,JPN,Japan,20,reported,x"], "iso3"),  # no world row
                        (["2024,WLD,World,100,guessed,x"], "basis"),
                        (["2024,WLD,World,-1,reported,x"], "gross_tonnage")):
        with pytest.raises(IngestError, match=rf"row \d+, field '{field}'"):
            reader.read(_rmt(tmp_path, rows))
    (tmp_path / "short.csv").write_text("year,iso3,economy,gross_tonnage\n", encoding="utf-8")
    with pytest.raises(IngestError, match="field 'basis'"):
        reader.read(tmp_path / "short.csv")


def test_reader_segments_checks_world(tmp_path: Path) -> None:
    path = tmp_path / "seg.csv"
    path.write_text("year,segment,china_kgt,korea_kgt,japan_kgt,world_kgt,source\n"
                    "2024,Bulk carriers,10,5,6,20,x\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"row 2, field 'world_kgt'"):
        reader.read(path)


def test_cli_ships_json() -> None:
    result = CliRunner().invoke(app, ["ships", "--year", "2019", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {"country", "year", "gt", "share"}
    assert rows[0]["country"] == "CHN"
    assert "latest year 2025" in result.stderr


def test_cli_ships_defaults_to_latest_year() -> None:
    rows = json.loads(CliRunner().invoke(app, ["ships", "--json"]).stdout)
    assert {r["year"] for r in rows} == {2025}
    by = {r["country"]: r["share"] for r in json.loads(
        CliRunner().invoke(app, ["ships", "--year", "2024", "--json"]).stdout)}
    assert by["CHN"] == pytest.approx(0.546, abs=0.002)
    assert by["KOR"] == pytest.approx(0.280, abs=0.002)
    assert by["JPN"] == pytest.approx(0.126, abs=0.002)
    text = CliRunner().invoke(app, ["ships"]).stdout
    assert "Ships built 2025" in text and "Deliveries by ship type 2024" in text
    assert "2014" in text and "2024" in text  # the series


def test_shipyard_ripple_uses_the_shipbuilding_sectors() -> None:
    jpn = api.shipyard_ripple("JPN", 1e9, phase="operation")
    usa = api.shipyard_ripple("USA", 1e9, phase="operation")
    assert jpn["industry"] == "3541" and usa["industry"] == "3364OT"
    for out in (jpn, usa):  # Type I output multiplier: above 1 (direct) and below 4
        assert 1e9 < out["output_usd"] < 4e9
    with pytest.raises(UnknownNameError, match="shipbuilding IO sector"):
        api.shipyard_ripple("KOR", 1e9)
