"""Defense burden: SIPRI reader, US share 2024, targets, required growth and bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from friendshore.alliance.defense import load_targets, required_growth, targets
from friendshore.api import _alliance as api
from friendshore.cli import app
from friendshore.errors import ScenarioError, UnknownNameError
from friendshore.readers import defense as reader
from ingest_checks import assert_rejects


def test_us_share_2024_matches_sipri(store) -> None:
    row = api.defense(["USA"], store=store).iloc[0]
    assert row["year"] == 2024
    assert row["share_gdp"] == pytest.approx(0.0342, abs=5e-4)
    assert row["target_name"] == "nato-3.5-core" and row["target"] == 0.035
    assert len(row["trajectory"]) == 11 and min(row["trajectory"]) == 2014


def test_japan_gap_and_hand_computed_growth(store) -> None:
    row = api.defense(["JPN"], store=store).iloc[0]
    assert row["target_name"] == "japan-2pct" and row["target_year"] == 2027
    assert row["gap"] == pytest.approx(0.02 - row["share_gdp"])
    # g = (T/s0)^(1/n) (1+gdp_g) - 1 with n = 2027 - 2024, gdp_g = 1.5% (shipped assumption)
    want = (0.02 / row["share_gdp"]) ** (1 / 3) * 1.015 - 1
    assert row["required_growth"] == pytest.approx(want)
    assert row["gdp_year"] == 2023  # World Bank JPN 2023: 4.21 tn USD
    assert row["gap_usd"] == pytest.approx(row["gap"] * 4.213e12, rel=1e-3)
    zero_gdp = api.defense(["JPN"], assumptions={"defense_real_gdp_growth": 0.0}, store=store)
    assert zero_gdp.iloc[0]["required_growth"] == pytest.approx((0.02 / row["share_gdp"]) ** (1 / 3)
                                                                - 1)


def test_required_growth_zero_above_target(store) -> None:
    row = api.defense(["POL"], store=store).iloc[0]  # Poland spent 4.2% of GDP in 2024
    assert row["share_gdp"] > 0.035
    assert row["gap"] < 0 and row["required_growth"] == 0.0
    assert required_growth(0.05, 0.035, 5, 0.02) == 0.0


@given(share=st.floats(0.001, 0.2), target=st.floats(0.001, 0.2), years=st.integers(1, 30),
       gdp=st.floats(-0.03, 0.06))
def test_required_growth_reaches_target(share: float, target: float, years: int,
                                        gdp: float) -> None:
    g = required_growth(share, target, years, gdp)
    if share >= target:
        assert g == 0.0
    else:
        assert share * ((1 + g) / (1 + gdp)) ** years == pytest.approx(target, rel=1e-9)


def test_targets_are_sourced_data() -> None:
    t = targets()
    assert t["japan-2pct"].share_gdp == 0.02 and "National Security Strategy" in t[
        "japan-2pct"].source
    assert t["nato-3.5-core"].year == 2035 and "Hague" in t["nato-3.5-core"].source
    assert len(t["nato-3.5-core"].members) == 32


def test_bad_inputs(store) -> None:
    with pytest.raises(UnknownNameError, match="JPN"):
        api.defense(["JPM"], store=store)
    with pytest.raises(UnknownNameError, match="SIPRI"):
        api.defense(["ISL"], store=store)  # a real country without a military budget
    with pytest.raises(ScenarioError, match="not after the latest data year"):
        api.defense(["JPN"], target=0.02, target_year=2020, store=store)
    with pytest.raises(ScenarioError, match="between 0% and 100%"):
        api.defense(["JPN"], target=-0.01, target_year=2030, store=store)
    with pytest.raises(ScenarioError, match="between 0% and 100%"):
        api.defense(["JPN"], target=3.5, target_year=2030, store=store)
    with pytest.raises(UnknownNameError, match="nato-3.5-core"):
        api.defense(["JPN"], targets=["nato-35"], store=store)
    with pytest.raises(UnknownNameError, match="country"):
        load_targets({"x": {"label": "x", "share_gdp": 0.02, "year": 2030,
                            "members": ["XXY"], "source": "s"}})


def test_sipri_reader_unknown_country(tmp_path: Path) -> None:
    path = tmp_path / "sipri_milex_share_of_gdp_1949_2024.csv"
    head = "country,year,value\n"
    assert_rejects(reader.read, path, head + "Japan,2024,0.0137\nAtlantis,2024,0.02\n",
                   row=3, field="country")
    assert_rejects(reader.read, path, head + "Japan,2024,abc\n", row=2, field="value")


def test_cli_defense_json() -> None:
    result = CliRunner().invoke(app, ["defense", "--countries", "USA,JPN", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["country"] for r in rows] == ["USA", "JPN"]
    assert {"country", "year", "share_gdp", "target", "gap", "required_growth"} <= set(rows[0])
    bad = CliRunner().invoke(app, ["defense", "--countries", "JPN", "--target", "2", "--by",
                                   "2001"])
    assert bad.exit_code != 0
