"""The web API over FastAPI's TestClient: endpoints, auth, validation and the resource caps."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import friendshore.api as fs_api
from friendshore.errors import AuthError
from friendshore.store import Store
from friendshore.web.app import Limits, create_app
from friendshore.web.jobs import JobManager, JobsBusy
from friendshore.web.security import check_bind, is_loopback

TOKEN = "s3cret-token-0123456789"


@pytest.fixture()
def client(store: Store) -> TestClient:
    with TestClient(create_app(store=store)) as c:
        yield c


# -- meta, pages, static -----------------------------------------------------------------------
def test_health(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}


def test_openapi_lists_the_api(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404  # Swagger UI would come from a CDN
    assert client.get("/redoc").status_code == 404
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/health", "/api/commodities", "/api/supply/{commodity}", "/api/risk",
                 "/api/stress", "/api/runs", "/api/runs/{run_id}", "/api/plan",
                 "/api/sweep", "/api/jobs/{job_id}"):
        assert path in paths, path


@pytest.mark.parametrize("page", ["/", "/stress", "/planner", "/runs", "/alliance"])
def test_pages_reference_only_local_assets(client: TestClient, page: str) -> None:
    resp = client.get(page)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    html = resp.text
    assert "/vendor/plotly.min.js" in html
    assert "http://" not in html and "https://" not in html


def test_plotly_is_served_from_the_installed_package(client: TestClient) -> None:
    resp = client.get("/vendor/plotly.min.js")
    assert resp.status_code == 200
    assert "plotly.js" in resp.text[:200]
    assert len(resp.content) > 1_000_000


def test_assumptions_table_has_sources(client: TestClient) -> None:
    rows = client.get("/api/assumptions").json()
    assert all(r["source"] for r in rows)


# -- security ------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_needs_no_token(host: str) -> None:
    assert is_loopback(host)
    check_bind(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_off_loopback_refuses_to_start_without_token(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(AuthError, match="token"):
        check_bind(host, None)
    check_bind(host, TOKEN)


def test_short_token_is_refused() -> None:
    with pytest.raises(AuthError, match="short"):
        check_bind("0.0.0.0", "abc")


def test_token_is_required_on_every_request(store: Store) -> None:
    with TestClient(create_app(token=TOKEN, store=store)) as c:
        for path in ("/api/health", "/", "/vendor/plotly.min.js", "/openapi.json"):
            assert c.get(path).status_code == 401, path
        assert c.get("/api/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/health", headers={"Authorization": TOKEN}).status_code == 401
        ok = c.get("/api/health", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and ok.json() == {"status": "ok"}
        resp = c.post("/api/stress", json={"scenario": "x"})
        assert resp.status_code == 401 and resp.headers["www-authenticate"] == "Bearer"


def test_loopback_server_rejects_foreign_host_header(store: Store) -> None:
    app = create_app(store=store, loopback_only_hosts=True)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"Host": "localhost:8000"}).status_code == 200
        assert c.get("/api/health", headers={"Host": "evil.example:8000"}).status_code == 403


def test_body_size_cap_answers_413(store: Store) -> None:
    limits = Limits(max_body_bytes=1000)
    with TestClient(create_app(store=store, limits=limits)) as c:
        big = {"scenario": {"name": "x", "note": "y" * 5000}}
        assert c.post("/api/stress", json=big).status_code == 413

        def chunks():  # no Content-Length: the cap still holds
            for _ in range(10):
                yield b"x" * 500

        resp = c.post("/api/stress", content=chunks(), headers={"Content-Type": "application/json"})
        assert resp.status_code == 413


# -- validation ----------------------------------------------------------------------------------
def test_invalid_body_is_422_with_field_path(client: TestClient) -> None:
    resp = client.post("/api/stress", json={"scenario": "china-rare-earth-ban", "draws": -5})
    assert resp.status_code == 422
    body = resp.json()
    assert body["detail"][0]["path"] == "body.draws"
    assert "body.draws" in body["error"]
    resp = client.post("/api/stress", json={"scenario": "x", "countries": ["USAA"]})
    assert resp.status_code == 422 and resp.json()["detail"][0]["path"] == "body.countries.0"
    resp = client.post("/api/stress", json={"scenario": "x", "bogus": 1})
    assert resp.status_code == 422 and resp.json()["detail"][0]["path"] == "body.bogus"
    resp = client.post(
        "/api/stress", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 422


def test_draws_over_the_cap_is_422(store: Store) -> None:
    with TestClient(create_app(store=store, limits=Limits(max_draws=100))) as c:
        resp = c.post("/api/stress", json={"scenario": "china-rare-earth-ban", "draws": 101})
        assert resp.status_code == 422
        assert resp.json()["detail"][0]["path"] == "body.draws"


# -- runs ----------------------------------------------------------------------------------------
def test_runs_list_and_show(client: TestClient, store: Store) -> None:
    run_id = store.save_run("stress", "demo", {"scenario": "demo"}, {"countries": {}}, seed=3)
    rows = client.get("/api/runs").json()
    assert run_id in [r["id"] for r in rows]
    run = client.get(f"/api/runs/{run_id}").json()
    assert run["seed"] == 3 and run["inputs"] == {"scenario": "demo"}


def test_unknown_run_is_404_with_close_matches(client: TestClient, store: Store) -> None:
    run_id = store.save_run("stress", "demo", {}, {})
    resp = client.get(f"/api/runs/{run_id[:-1]}x")
    assert resp.status_code == 404
    assert resp.json()["matches"] == [run_id]


def test_unknown_job_is_404(client: TestClient) -> None:
    assert client.get("/api/jobs/nope").status_code == 404


# -- jobs: bounded concurrency, progress, nothing lost on disconnect -----------------------------
def test_job_manager_caps_running_and_queued_jobs() -> None:
    release = threading.Event()
    started = threading.Event()

    def blocker(progress):
        started.set()
        progress(0.5)
        release.wait(10)
        return "ok"

    jobs = JobManager(max_running=1, max_queued=1)
    first = jobs.submit("t", blocker)
    started.wait(10)
    second = jobs.submit("t", blocker)
    with pytest.raises(JobsBusy):
        jobs.submit("t", blocker)
    assert first.status == "running" and first.progress == 0.5
    assert second.status == "queued"
    release.set()
    first.future.result(10)
    second.future.result(10)
    assert first.status == second.status == "done" and first.result == "ok"
    assert first.progress == 1.0
    jobs.submit("t", blocker).future.result(10)  # room again
    jobs.shutdown()


def test_failed_job_reports_its_error() -> None:
    from friendshore.errors import ScenarioError

    def bad(progress):
        raise ScenarioError("must be positive", path="shocks[0].cut")

    jobs = JobManager()
    job = jobs.submit("t", bad)
    job.future.result(10)
    assert job.status == "error"
    assert job.error["type"] == "ScenarioError" and "shocks[0].cut" in job.error["message"]
    jobs.shutdown()


def test_web_module_has_no_cdn_reference() -> None:
    static = Path(__file__).parents[1] / "src" / "friendshore" / "web" / "static"
    for f in static.iterdir():
        text = f.read_text(encoding="utf-8")
        assert "cdn" not in text.lower(), f
        assert "https://" not in text and "http://" not in text, f


# -- bodies match the CLI's --json -------------------------------------------------------------
def cli_json(*args: str) -> object:
    """What ``friendshore ARGS --json`` prints, parsed."""
    import json

    from typer.testing import CliRunner

    from friendshore.cli import app

    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_commodities_match_cli(client: TestClient) -> None:
    body = client.get("/api/commodities").json()
    assert body == cli_json("commodities")
    assert "rare_earths" in [c["slug"] for c in body]


def test_supply_matches_cli_and_has_detail(client: TestClient) -> None:
    body = client.get("/api/supply/rare_earths?stage=mine&year=2024").json()
    assert body == cli_json("supply", "rare_earths", "--stage", "mine", "--year", "2024")
    assert body[0]["country"] == "CHN"
    detail = client.get("/api/supply/rare_earths?stage=mine&year=2024&detail=true").json()
    assert detail["attrs"]["year"] == 2024 and detail["attrs"]["basis"] == "REO"
    assert [r["country"] for r in detail["rows"]] == [r["country"] for r in body]
    magnets = client.get("/api/supply/rare_earths?stage=component").json()
    assert magnets == cli_json("supply", "rare_earths", "--stage", "component")


def test_unknown_commodity_is_404_with_matches(client: TestClient) -> None:
    resp = client.get("/api/supply/rare_earth")
    assert resp.status_code == 404
    assert "rare_earths" in resp.json()["matches"]


def test_risk_matches_cli(client: TestClient) -> None:
    body = client.get("/api/risk?commodity=gallium&commodity=cobalt").json()
    assert body == cli_json("risk", "gallium", "cobalt", "--sort", "commodity")  # API order
    assert {r["commodity"] for r in body} == {"gallium", "cobalt"}


def test_import_sources_matches_cli(client: TestClient) -> None:
    body = client.get("/api/import-sources?country=USA&commodity=cobalt").json()
    assert body == cli_json("import-sources", "USA", "cobalt")


def test_alliance_endpoints_match_cli(client: TestClient) -> None:
    assert client.get("/api/ships?year=2019").json() == cli_json("ships", "--year", "2019")
    detail = client.get("/api/ships?detail=true").json()
    assert detail["latest_year"] == 2025 and "data_age" in detail
    assert client.get("/api/defense?country=JPN&country=USA").json() == cli_json(
        "defense", "--countries", "JPN,USA")
    assert client.get("/api/lng").json() == cli_json("lng")


# -- stress ----------------------------------------------------------------------------------------
STRESS = {"scenario": "china-rare-earth-ban", "draws": 300, "seed": 11}


def test_stress_wait_matches_cli(client: TestClient) -> None:
    resp = client.post("/api/stress", json={**STRESS, "wait": True})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body == cli_json("stress", "china-rare-earth-ban", "--draws", "300", "--seed", "11")
    assert set(body["countries"]) == {"USA", "JPN"}
    assert "china-rare-earth-ban" in [s["name"] for s in client.get("/api/scenarios").json()]


def test_a_control_in_force_is_a_library_name(client: TestClient) -> None:
    names = [s["name"] for s in client.get("/api/scenarios").json()]
    assert "china-control-gallium" in names
    body = client.get("/api/scenarios/china-control-gallium").json()
    assert body["scenario"]["in_force"] is True and "T4" in body["scenario"]["control_source"]
    assert client.get("/api/scenarios/china-control-nothing").status_code == 404


def test_stress_job_reports_progress_and_saves(client: TestClient) -> None:
    resp = client.post("/api/stress", json={**STRESS, "save": True, "charts": True})
    assert resp.status_code == 202
    job_id = resp.json()["job"]
    client.app.state.jobs.get(job_id).future.result(120)
    job = client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "done" and job["progress"] == 1.0
    result = job["result"]
    dist = result["distributions"]["USA"]["shortfall_pct"]
    assert sum(dist["counts"]) == 300 and len(dist["edges"]) == len(dist["counts"]) + 1
    saved = client.get(f"/api/runs/{result['run_id']}").json()
    assert saved["outputs"]["countries"] == {
        k: v for k, v in result["countries"].items()
    }
    assert job_id in [j["id"] for j in client.get("/api/jobs").json()]


def test_scenario_as_json_or_yaml_gives_the_same_result(client: TestClient) -> None:
    shipped = client.get("/api/scenarios/china-rare-earth-ban").json()
    by_name = client.post("/api/stress", json={**STRESS, "wait": True}).json()
    as_json = client.post("/api/stress", json={**STRESS, "scenario": shipped["scenario"],
                                               "wait": True}).json()
    body = {**STRESS, "wait": True, "scenario_yaml": shipped["yaml"]}
    del body["scenario"]
    as_yaml = client.post("/api/stress", json=body).json()
    assert by_name["countries"] == as_json["countries"] == as_yaml["countries"]


def test_bad_scenarios_are_4xx_with_a_path(client: TestClient) -> None:
    shipped = client.get("/api/scenarios/china-rare-earth-ban").json()["scenario"]
    shipped["shocks"][0]["exporter"] = "XXX"
    resp = client.post("/api/stress", json={"scenario": shipped, "wait": True})
    assert resp.status_code in (404, 422), resp.text
    assert "shocks[0]" in resp.json()["error"]
    resp = client.post("/api/stress", json={"scenario": "china-rare-earth-bann"})
    assert resp.status_code == 404
    assert "china-rare-earth-ban" in resp.json()["matches"]
    resp = client.post("/api/stress", json={"scenario_yaml": "a: [1,"})
    assert resp.status_code == 422 and resp.json()["detail"][0]["path"] == "body.scenario_yaml"
    resp = client.post("/api/stress", json={"scenario": "x", "scenario_yaml": "name: x"})
    assert resp.status_code == 422
    resp = client.post("/api/stress", json={"scenario": {**shipped, "draws": 10**9}})
    assert resp.status_code == 422


def test_concurrent_job_cap_answers_429(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def slow_stress(*args, progress=None, **kwargs):
        release.wait(30)
        return {"scenario": "slow", "draws": 1, "seed": 0, "countries": {}}

    monkeypatch.setattr(fs_api, "stress", slow_stress)
    app = create_app(store=store, limits=Limits(max_running=1, max_queued=1))
    with TestClient(app) as c:
        codes = [c.post("/api/stress", json=STRESS).status_code for _ in range(3)]
        assert codes == [202, 202, 429]
        release.set()


def test_client_that_never_comes_back_loses_no_saved_run(store: Store) -> None:
    app = create_app(store=store)
    with TestClient(app) as c:
        job_id = c.post("/api/stress", json={**STRESS, "save": True}).json()["job"]
        # The client is gone (its request ended at the 202 and it never polls): the job
        # finishes anyway, and its run is saved whole.
        job = app.state.jobs.get(job_id)
        job.future.result(120)
    assert job.status == "done"
    run = store.get_run(job.result["run_id"])
    assert run["outputs"]["countries"].keys() == {"USA", "JPN"}


# -- planner -------------------------------------------------------------------------------------
def test_projects_and_appraisal_match_cli(client: TestClient) -> None:
    projects = client.get("/api/projects").json()
    assert projects == cli_json("projects")
    pid = projects[0]["id"]
    two = "scenario=china-rare-earth-ban&scenario=hormuz-closure"
    body = client.get(f"/api/projects/{pid}?draws=100&seed=3&{two}").json()
    assert body == cli_json("appraise", pid, "--draws", "100", "--seed", "3",
                            "--scenarios", "china-rare-earth-ban,hormuz-closure")
    assert set(body["strategic"]["scenarios"]) == {"china-rare-earth-ban", "hormuz-closure"}
    assert client.get("/api/projects/no-such-project").status_code == 404
    assert client.get(f"/api/projects/{pid}?draws=0").status_code == 422
    assert client.get(f"/api/projects/{pid}?scenario=no-such-scenario").status_code == 404
    many = "&".join(["scenario=hormuz-closure"] * 21)
    assert client.get(f"/api/projects/{pid}?{many}").status_code == 422


def test_plan_job_saves_a_portfolio_within_budget(client: TestClient) -> None:
    body = {"draws": 50, "seed": 1, "scenarios": ["china-rare-earth-ban"], "budget": 20e9,
            "save": True, "wait": True}
    resp = client.post("/api/plan", json=body)
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert out["budget_used"] <= 20e9 + 1e-6
    assert set(out["portfolio"]) <= {p["id"] for p in client.get("/api/projects").json()}
    assert {"usa", "jpn", "projects"} <= set(out["pareto"][0])
    saved = client.get(f"/api/runs/{out['run_id']}").json()
    assert saved["kind"] == "plan" and saved["outputs"]["portfolio"] == out["portfolio"]
    assert saved["inputs"]["budget"] == 20e9
    bad = client.post("/api/plan", json={"budget": -1})
    assert bad.status_code == 422 and bad.json()["detail"][0]["path"] == "body.budget"
    assert client.post("/api/plan", json={"scenarios": ["nope"], "wait": True}).status_code == 404


def test_runs_list_matches_cli() -> None:
    with TestClient(create_app()) as c:  # the default store, as the CLI uses
        assert c.get("/api/runs").json() == cli_json("runs", "list")


def test_job_progress_as_server_sent_events(client: TestClient) -> None:
    import json

    job_id = client.post("/api/stress", json=STRESS).json()["job"]
    events = []
    with client.stream("GET", f"/api/jobs/{job_id}/events") as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        for line in resp.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert events[-1]["status"] == "done" and set(events[-1]["result"]["countries"]) == {
        "USA", "JPN"}


def test_cross_origin_post_is_refused(client: TestClient) -> None:
    body = {"scenario": "china-rare-earth-ban", "draws": -1}
    evil = client.post("/api/stress", json=body, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    same = client.post("/api/stress", json=body, headers={"Origin": "http://testserver"})
    assert same.status_code == 422  # reached validation
    assert client.get("/api/health", headers={"Origin": "http://evil.example"}).status_code == 200


def test_serve_command_refuses_off_loopback_without_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from friendshore.cli import app
    from friendshore.web.security import resolve_token

    monkeypatch.delenv("FRIENDSHORE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert isinstance(result.exception, AuthError)
    assert "--token" in str(result.exception)
    monkeypatch.setenv("FRIENDSHORE_TOKEN", TOKEN)
    assert resolve_token(None) == TOKEN
    assert resolve_token("given-on-the-command-line") == "given-on-the-command-line"


def test_stress_for_an_added_country(client: TestClient) -> None:
    body = {**STRESS, "countries": ["USA", "JPN", "DEU"], "wait": True}
    out = client.post("/api/stress", json=body).json()
    assert list(out["countries"]) == ["USA", "JPN", "DEU"]
    assert client.post("/api/stress", json={**body, "countries": ["XXX"]}).status_code in (
        404, 422)


# -- sweep -----------------------------------------------------------------------------------------
def test_sweep_job_equals_the_api_and_the_cli(client: TestClient, store: Store) -> None:
    import json

    from friendshore.cli._common import jsonable

    resp = client.post("/api/sweep", json={"draws": 20, "seed": 5, "countries": ["usa", "DEU"]})
    assert resp.status_code == 202
    job_id = resp.json()["job"]
    client.app.state.jobs.get(job_id).future.result(300)
    job = client.get(f"/api/jobs/{job_id}").json()
    assert job["kind"] == "sweep" and job["status"] == "done" and job["progress"] == 1.0
    expected = fs_api.sweep(draws=20, seed=5, countries=["USA", "DEU"], store=store)
    assert job["result"] == json.loads(json.dumps(jsonable(expected)))
    assert list(job["result"]["ranking"]) == ["USA", "DEU"]  # ISO3 upper-cased
    assert job["result"] == cli_json("sweep", "--draws", "20", "--seed", "5",
                                     "--countries", "USA,DEU")


@pytest.mark.parametrize(("body", "path"), [
    ({"countries": ["USA", "ZZZ"]}, "body.countries.1"),
    ({"countries": []}, "body.countries"),
    ({"draws": 5001}, "body.draws"),
    ({"draws": 0}, "body.draws"),
    ({"seed": -1}, "body.seed"),
    ({"scenario": "x"}, "body.scenario"),
])
def test_bad_sweep_requests_are_422(client: TestClient, body: dict, path: str) -> None:
    resp = client.post("/api/sweep", json={**body, "wait": True})
    assert resp.status_code == 422, resp.text
    assert resp.json()["detail"][0]["path"] == path
    assert client.get("/api/jobs").json() == []  # refused before any job starts
