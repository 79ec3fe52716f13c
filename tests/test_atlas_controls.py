"""Export controls in force (USGS MCS 2026 T4): the API, the CLI and the in-force scenarios."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import friendshore
from friendshore.cli import app
from friendshore.errors import UnknownNameError


def test_chinese_controls_from_t4() -> None:
    df = friendshore.controls("CHN").set_index("item")
    # T4: 'Antimony (2024), bismuth (2025), ..., gallium (2023), germanium (2023), ...'
    assert df.loc["gallium", "since"] == "2023" and df.loc["gallium", "commodity"] == "gallium"
    assert df.loc["Antimony", "since"] == "2024"
    assert df.loc["silver", "since"] == "2026"
    assert pd_isna(df.loc["synthesized diamond", "commodity"])  # no friendshore commodity
    assert set(df["control_type"]) == {
        "Export licensing requirement for materials and technologies"}
    assert len(df) == 14
    every = friendshore.controls()
    assert {"IDN", "COD", "CHN", "ZAF"} <= set(every["country"])


def pd_isna(v) -> bool:
    return v is None or v != v


def test_unknown_country_is_an_error() -> None:
    with pytest.raises(UnknownNameError):
        friendshore.controls("Atlantis")


def test_cli_controls_json() -> None:
    res = CliRunner().invoke(app, ["controls", "--country", "CHN", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert {r["commodity"] for r in rows} >= {"gallium", "germanium", "tungsten", "rare_earths"}


def test_scenarios_carry_the_in_force_mark() -> None:
    listed = {s["name"]: s for s in friendshore.scenarios()}
    assert listed["hormuz-closure"]["in_force"] is False
    assert listed["hormuz-closure"]["control_source"] is None
    sc = friendshore.load_scenario({
        "name": "t", "in_force": True, "control_source": "USGS MCS 2026 T4, China, gallium (2023)",
        "shocks": [{"kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
                    "stage": "refine", "cut": 0.5}]})
    assert sc.in_force and "T4" in sc.control_source
