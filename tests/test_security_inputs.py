"""Names, not paths, and safe YAML (issue 14 items 2 and 3).

The web API opens no file a request names; YAML from users (scenarios, catalogs, agreements,
assumption overrides) is read without aliases, with bounded depth and size, and its errors
name the line, never quote the file.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from friendshore import safeyaml
from friendshore.api import load_scenario
from friendshore.cli import app
from friendshore.errors import ScenarioError
from friendshore.invest.agreements import load_agreement
from friendshore.invest.catalog import load_catalog
from friendshore.store import Store
from friendshore.web.app import create_app

#: 9 aliases per level, 8 levels: 9**8 = 43 million nodes once expanded.
BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))
SECRET = "api_key: do-not-echo-0123\n"


@pytest.fixture()
def client(store: Store) -> TestClient:
    with TestClient(create_app(store=store)) as c:
        yield c


@pytest.fixture()
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "private.yaml"
    path.write_text(SECRET + "name: : broken\n" + SECRET)
    return path


# -- names, not paths -------------------------------------------------------------------------
def test_stress_with_a_path_is_an_unknown_name(client: TestClient, secret_file: Path) -> None:
    for name in (str(secret_file), "/dev/zero", "~", "../../etc/passwd", "/no/such.yaml"):
        resp = client.post("/api/stress", json={"scenario": name, "wait": True})
        assert resp.status_code == 404, (name, resp.text)
        assert "do-not-echo" not in resp.text and "unknown scenario" in resp.json()["error"]


def test_scenario_page_takes_only_library_names(client: TestClient, secret_file: Path) -> None:
    for name in ("~", "%2Fdev%2Fzero", secret_file.name, "..%2F..%2Fetc%2Fpasswd"):
        resp = client.get(f"/api/scenarios/{name}")
        assert resp.status_code == 404, (name, resp.text)
        assert "do-not-echo" not in resp.text
    assert client.get("/api/scenarios/hormuz-closure").status_code == 200


def test_plan_and_appraise_take_only_library_names(client: TestClient,
                                                   secret_file: Path) -> None:
    resp = client.post("/api/plan", json={"scenarios": [str(secret_file)], "wait": True})
    assert resp.status_code == 404 and "do-not-echo" not in resp.text
    resp = client.post("/api/plan", json={"agreement": str(secret_file), "wait": True})
    assert resp.status_code == 404 and "do-not-echo" not in resp.text
    pid = client.get("/api/projects").json()[0]["id"]
    resp = client.get(f"/api/projects/{pid}", params={"scenario": str(secret_file)})
    assert resp.status_code == 404 and "do-not-echo" not in resp.text


def test_the_cli_and_python_api_still_read_a_scenario_file(tmp_path: Path) -> None:
    shipped = Path(__file__).parents[1] / "src/friendshore/data/scenarios/hormuz-closure.yaml"
    copy = tmp_path / "mine.yaml"
    copy.write_text(shipped.read_text())
    assert load_scenario(copy).name == load_scenario("hormuz-closure").name
    result = CliRunner().invoke(app, ["stress", str(copy), "--draws", "20", "--json"])
    assert result.exit_code == 0, result.output


# -- safe YAML --------------------------------------------------------------------------------
def test_a_yaml_bomb_is_refused_in_under_a_second(client: TestClient) -> None:
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match="aliases"):
        safeyaml.load(BOMB, what="scenario")
    resp = client.post("/api/stress", json={"scenario_yaml": BOMB, "wait": True})
    assert resp.status_code == 422 and "aliases" in resp.json()["error"]
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("reader", [load_scenario, load_catalog, load_agreement])
def test_every_user_yaml_file_is_read_safely(reader, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    with pytest.raises(ScenarioError, match="aliases"):
        reader(bomb)
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ScenarioError, match="nested more than"):
        reader(deep)
    big = tmp_path / "big.yaml"
    big.write_text("# pad\n" * (safeyaml.MAX_BYTES // 6 + 1))
    with pytest.raises(ScenarioError, match="over"):
        reader(big)


def test_yaml_errors_name_the_line_not_the_content(secret_file: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(secret_file)
    assert "line 2" in str(info.value) and "do-not-echo" not in str(info.value)


def test_device_files_are_read_only_up_to_the_cap() -> None:
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match="over"):
        safeyaml.read("/dev/zero", what="scenario")
    assert time.perf_counter() - start < 1.0


def test_set_values_are_read_safely() -> None:
    from friendshore.cli._common import parse_sets

    with pytest.raises(ScenarioError, match="aliases"):
        parse_sets(["x=[&a [1], *a]"])
    assert parse_sets(["stress_stockpile_months_by_country={JPN: 3}"]) == {
        "stress_stockpile_months_by_country": {"JPN": 3}}
