"""Typed, finite assumptions and scenario fields on every path (issue 14 item 4)."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from friendshore.assumptions import TYPES, Assumptions, all_assumptions
from friendshore.errors import ScenarioError
from friendshore.limits import MAX_DRAWS
from friendshore.scenario.spec import parse_scenario
from friendshore.store import Store
from friendshore.web.app import create_app

SHOCK = {"kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
         "stage": "refine", "cut": 1.0}
BAD = [  # (name, value, what the message says)
    ("stress_max_price_multiplier", float("nan"), "NaN"),
    ("stress_max_price_multiplier", float("inf"), "finite"),
    ("stress_max_price_multiplier", -1, "must lie in [1, 1000]"),
    ("stress_max_price_multiplier", "high", "must be a number"),
    ("stress_max_price_multiplier", True, "must be a number"),
    ("stress_stockpile_months_by_country", {"JPN": float("nan")}, "NaN"),
    ("stress_stockpile_months_by_country", [2.0], "must be a mapping"),
    ("invest_draws", 10.5, "must be an integer"),
    ("risk_jpn_unlisted_production_zero", "yes", "true or false"),
    ("stress_stockpile_stages", "mine", "must be a list"),
]


@pytest.fixture()
def client(store: Store) -> TestClient:
    with TestClient(create_app(store=store)) as c:
        yield c


def test_every_assumption_declares_a_type_and_range_its_default_obeys() -> None:
    table = all_assumptions()
    assert len(table) > 80
    for a in table.values():
        assert a.type in TYPES, a.name
        if a.type not in ("boolean", "string", "string_list"):
            assert a.range is not None and len(a.range) == 2, a.name
        assert a.check(a.default) == a.default, a.name


@pytest.mark.parametrize(("name", "value", "message"), BAD)
def test_python_api_rejects_by_name(name: str, value: object, message: str) -> None:
    with pytest.raises(ScenarioError, match=name) as info:
        Assumptions({name: value})
    assert message in str(info.value)


def test_integral_floats_are_integers() -> None:
    assert Assumptions({"invest_draws": 500.0})["invest_draws"] == 500


@pytest.mark.parametrize(("name", "value", "message"), BAD[:4])
def test_scenario_assumptions_block_is_checked(name: str, value: object, message: str) -> None:
    import friendshore as fs

    spec = {"name": "x", "shocks": [SHOCK], "assumptions": {name: value}, "draws": 10}
    with pytest.raises(ScenarioError, match=name):
        fs.stress(spec)


@pytest.fixture()
def cli(built_store_path: Path, tmp_path: Path):
    """Run the CLI in a child process on a private copy of the store (exit code and stderr)."""
    path = tmp_path / "friendshore.duckdb"
    shutil.copy(built_store_path, path)
    env = {**os.environ, "FRIENDSHORE_STORE": str(path)}

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-c", "from friendshore.cli import main; main()", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)

    return run


@pytest.mark.parametrize(("value", "message"), [
    ("nan", "NaN"), ("-1", "must lie in"), ("high", "must be a number")])
def test_cli_set_is_exit_2_with_the_name(cli, value: str, message: str) -> None:
    proc = cli("stress", "china-gallium-germanium-ban", "--draws", "10",
                "--set", f"stress_max_price_multiplier={value}")
    assert proc.returncode == 2, proc.stderr[-2000:]
    err = " ".join(proc.stderr.split())  # rich wraps long lines
    assert "stress_max_price_multiplier" in err and message in err
    assert "Traceback" not in proc.stderr


def test_cli_draws_are_capped(cli) -> None:
    proc = cli("stress", "china-gallium-germanium-ban", "--draws", str(MAX_DRAWS + 1))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_api_draws_are_capped() -> None:
    import friendshore as fs

    with pytest.raises(ScenarioError, match="draws"):
        fs.stress("china-gallium-germanium-ban", draws=10**9)


@pytest.mark.parametrize(("name", "value", "message"), BAD)
def test_web_answers_422_by_name(client: TestClient, name: str, value: object,
                                 message: str) -> None:
    import json

    body = json.dumps({"scenario": "china-gallium-germanium-ban", "draws": 10, "wait": True,
                       "assumptions": {name: value}})  # NaN and Infinity as JSON allows them
    resp = client.post("/api/stress", content=body,
                       headers={"content-type": "application/json"})
    assert resp.status_code == 422, resp.text
    assert name in resp.json()["error"] and message in resp.json()["error"]
    resp = client.post("/api/plan", content=body.replace('"scenario": "china-gallium-germanium'
                                                         '-ban", ', ""),
                       headers={"content-type": "application/json"})
    assert resp.status_code == 422, resp.text


def test_nan_in_a_scenario_field_is_refused_by_path() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"name": "x", "shocks": [{**SHOCK, "cut": math.nan}]})
    assert "shocks[0].cut" in str(info.value)
    with pytest.raises(ScenarioError, match="shocks"):
        parse_scenario({"name": "x", "shocks": [{**SHOCK, "cut": {"dist": "uniform",
                                                                  "low": 0.5, "high": math.inf}}]})


def test_a_scenario_without_shocks_is_a_clear_error(client: TestClient) -> None:
    with pytest.raises(ScenarioError, match="shocks"):
        parse_scenario({"name": "x"})
    resp = client.post("/api/stress", json={"scenario": {"name": "x", "shocks": []},
                                            "wait": True})
    assert resp.status_code == 422 and "shocks" in resp.json()["error"]


def test_assumptions_table_shows_type_and_range(client: TestClient) -> None:
    rows = {r["name"]: r for r in client.get("/api/assumptions").json()}
    assert rows["stress_max_price_multiplier"]["type"] == "number"
    assert rows["stress_max_price_multiplier"]["range"] == [1, 1000]
