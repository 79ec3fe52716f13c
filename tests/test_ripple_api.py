"""Ripple API and CLI: investment ripple for both countries, multipliers, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import friendshore as fs
from friendshore.errors import ScenarioError, UnknownNameError


@pytest.mark.parametrize(("country", "industry"), [("USA", "3364OT"), ("JPN", "3541")])
@pytest.mark.parametrize("phase", ["construction", "operation"])
def test_ripple_reports_output_value_added_imports_and_null_jobs(country, industry, phase):
    out = fs.ripple(country, industry, 1e9, phase=phase)
    assert out["jobs"] is None
    assert out["output_usd"] >= 1e9  # Type I: the spending itself plus indirect output
    assert 0 < out["value_added_usd"] < 1e9 and 0 < out["imports_usd"] < 1e9
    assert out["by_industry"]["output_usd"].sum() == pytest.approx(out["output_usd"])
    first = out["by_industry"]["industry"].iloc[0]
    if phase == "operation":
        assert first == industry
    else:
        assert first in {"23", "4111", "4112", "4121", "4131", "4191"}


def test_ripple_matches_multipliers_and_scales_linearly() -> None:
    m = fs.multipliers("USA").loc["331"]
    out = fs.ripple("USA", "331", 2e9)
    assert out["output_usd"] == pytest.approx(2e9 * m["output"])
    assert out["value_added_usd"] == pytest.approx(2e9 * m["value_added"])


def test_yen_conversion_is_an_overridable_assumption() -> None:
    a = fs.ripple("JPN", "35", 1e9, level=37)
    b = fs.ripple("JPN", "35", 1e9, level=37, assumptions={"ripple_jpy_per_usd": 150.0})
    # multipliers are unit-free, so USD results do not depend on the rate for a USD spend
    assert a["value_added_usd"] == pytest.approx(b["value_added_usd"])
    assert "150.0 JPY/USD" in b["notes"][-1]


def test_multipliers_are_labelled_by_source_codes() -> None:
    assert list(fs.multipliers("USA", year=2017).index[:2]) == ["111CA", "113FF"]
    assert "3541" in fs.multipliers("JPN", level=185).index
    assert len(fs.multipliers("WIOD")) == 1435


def test_bad_inputs_raise_friendly_errors() -> None:
    with pytest.raises(UnknownNameError, match="3364OT"):
        fs.ripple("USA", "3364", 1e6)
    with pytest.raises(ScenarioError):
        fs.ripple("USA", "3364OT", 1e6, phase="design")
    with pytest.raises(UnknownNameError):
        fs.multipliers("FRA")


def test_cli_ripple_json_and_close_matches() -> None:
    cmd = [sys.executable, "-c", "from friendshore.cli import main; main()"]
    ok = subprocess.run(cmd + ["ripple", "--country", "JPN", "--industry", "3541",
                               "--amount", "1e9", "--json"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    out = json.loads(ok.stdout)
    assert out["jobs"] is None and out["value_added_usd"] > 0
    bad = subprocess.run(cmd + ["ripple", "--country", "USA", "--industry", "3364",
                                "--amount", "1"], capture_output=True, text=True)
    assert bad.returncode == 2 and "3364OT" in bad.stderr


def test_first_use_lists_sourced_shares_and_unmapped_flags() -> None:
    df = fs.first_use_industries("USA", "germanium")
    assert df["share"].sum() == pytest.approx(1.0) and df["estimate"].all()
    assert df["value_usd"].iloc[0] > 0
    assert fs.first_use_industries("USA", "shipbuilding")["unmapped"].all()
    with pytest.raises(UnknownNameError, match="gallium"):
        fs.first_use_industries("USA", "galium")
