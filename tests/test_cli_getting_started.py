"""Getting started (issue 13 item 8, CLI): ``scenarios show NAME`` prints a scenario as a YAML
template that loads back as the same scenario; ``runs show`` prints a run's inputs and outputs;
``data ingest`` names the MCS 2026 file and where USGS publishes it; projections say so."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import friendshore as fs
from friendshore import safeyaml
from friendshore.cli import app
from friendshore.errors import IngestError
from friendshore.invest.value import scenario_library
from friendshore.scenario.spec import parse_scenario


def _run(*argv: str) -> str:
    res = CliRunner().invoke(app, list(argv))
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.mark.parametrize("name", list(scenario_library()))
def test_scenarios_show_loads_back_as_the_scenario(name) -> None:
    text = _run("scenarios", "show", name)
    assert text.lstrip().startswith("#")  # the shipped file's comments name the real event
    assert parse_scenario(safeyaml.load(text, what="scenario")) == fs.api.load_scenario(name)


def test_scenarios_show_of_a_control_in_force() -> None:
    name = next(n for n in fs.api.scenario_names() if n not in scenario_library())
    text = _run("scenarios", "show", name)
    assert parse_scenario(safeyaml.load(text, what="scenario")) == fs.api.load_scenario(name)


def test_scenarios_show_of_an_edited_copy(tmp_path) -> None:
    path = tmp_path / "my-scenario.yaml"
    path.write_text(_run("scenarios", "show", "drc-cobalt-outage").replace(
        "name: drc-cobalt-outage", "name: my-cobalt"), encoding="utf-8")
    dumped = _run("scenarios", "show", str(path))
    back = parse_scenario(safeyaml.load(dumped, what="scenario"))
    assert back == fs.api.load_scenario(path) and back.name == "my-cobalt"


def test_runs_show_prints_inputs_and_outputs(tmp_path) -> None:
    out = json.loads(_run("stress", "drc-cobalt-outage", "--draws", "16", "--seed", "4",
                          "--set", "stress_spare_utilisation=0.3", "--save", "--json"))
    lines = _run("runs", "show", out["run_id"]).splitlines()
    start = next(i for i, ln in enumerate(lines) if "Inputs" in ln)
    end = next(i for i, ln in enumerate(lines) if "Outputs" in ln)
    inputs = safeyaml.load("\n".join(lines[start + 1:end]), what="inputs")
    assert inputs["assumptions"]["stress_spare_utilisation"] == 0.3
    assert parse_scenario(inputs["scenario"]).draws == 16  # the inputs run again as a scenario
    assert "short %" in "\n".join(lines[end:])
    path = tmp_path / "run.json"
    _run("runs", "show", out["run_id"], "--out", str(path))
    rows = json.loads(path.read_text())
    assert {(r["country"], r["quantity"]) for r in rows} >= {("USA", "shortfall_pct")}


def test_data_ingest_names_the_mcs2026_file_and_where_usgs_publishes_it() -> None:
    help_text = " ".join(_run("data", "ingest", "--help").split())
    assert "MCS2026_Commodities_Data.csv" in help_text and "10.5066/P1WKQ63T" in help_text
    with pytest.raises(IngestError, match="MCS2026_Commodities_Data.csv"):
        fs.api.ingest("MCS2026_World_Data.csv", "usgs-mcs")


def test_a_projection_is_labelled() -> None:
    text = " ".join(_run("supply", "lithium", "--stage", "refine", "--year", "2030").split())
    assert "projection" in text and "not observed data" in text
    assert "projection" not in _run("supply", "lithium", "--stage", "refine", "--year", "2023")
