"""Resource limits on the server (issue 14 item 6): rate limit, job cancel, shutdown, security
headers, the Origin rule on heavy GETs (the body read timeout: tests/test_web_contract.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from friendshore.store import Store
from friendshore.web import app as web_app
from friendshore.web.app import Limits, create_app
from friendshore.web.jobs import JobManager
from friendshore.web.ratelimit import Bucket, RateLimiter, take
from live_server import ROOT, free_port

NOPE = {"scenario": "no-such-scenario"}  # a heavy request answered at once (404)


@pytest.fixture()
def client(store: Store) -> TestClient:
    with TestClient(create_app(store=store)) as c:
        yield c


# -- rate limit -------------------------------------------------------------------------------
def test_token_bucket_maths_with_a_fake_clock() -> None:
    bucket, wait = take(None, now=100.0, rate=0.5, burst=2)  # a new client: full, minus one
    assert (bucket, wait) == (Bucket(1.0, 100.0), 0.0)
    bucket, wait = take(bucket, 100.0, 0.5, 2)
    assert (bucket, wait) == (Bucket(0.0, 100.0), 0.0)
    bucket, wait = take(bucket, 101.0, 0.5, 2)  # half a token back after 1 s: wait 1 s more
    assert bucket == Bucket(0.5, 101.0) and wait == pytest.approx(1.0)
    bucket, wait = take(bucket, 102.0, 0.5, 2)
    assert bucket == Bucket(0.0, 102.0) and wait == 0.0
    bucket, wait = take(bucket, 1e6, 0.5, 2)  # a long pause refills only up to the burst
    assert bucket == Bucket(1.0, 1e6) and wait == 0.0
    clock = [0.0]
    limiter = RateLimiter(rate=1.0, burst=3, clock=lambda: clock[0])
    assert [limiter.wait_s("a") for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]
    assert limiter.wait_s("b") == 0.0  # per client
    clock[0] = 1.0
    assert limiter.wait_s("a") == 0.0 and limiter.wait_s("a") == 1.0


def test_heavy_endpoints_share_a_per_client_rate_limit(store: Store) -> None:
    app = create_app(store=store, limits=Limits(heavy_burst=3, heavy_per_s=0.01))
    with TestClient(app) as c, TestClient(app, client=("10.0.0.7", 5000)) as other:
        assert c.post("/api/stress", json=NOPE).status_code == 404
        assert c.post("/api/plan", json={"scenarios": ["nope"]}).status_code == 404
        assert c.get("/api/projects/no-such-project").status_code == 404
        resp = c.post("/api/sweep", json={"draws": 1})
        assert resp.status_code == 429, resp.text
        # a whole token at 0.01 a second: 100 s, less what refilled while the requests ran
        assert 80 <= int(resp.headers["retry-after"]) <= 100
        assert "retry in" in resp.json()["error"]
        assert c.get("/api/projects/no-such-project").status_code == 429
        assert c.get("/api/health").status_code == 200  # light endpoints are not counted
        assert other.post("/api/stress", json=NOPE).status_code == 404  # another address


# -- Origin rule and headers ------------------------------------------------------------------
def test_heavy_gets_refuse_other_origins_like_posts(client: TestClient) -> None:
    route = "/api/projects/no-such-project"
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        assert client.get(route, headers=headers).status_code == 403, headers
        assert client.post("/api/stress", json=NOPE, headers=headers).status_code == 403
    for headers in ({}, {"Origin": "http://testserver"}, {"Sec-Fetch-Site": "same-origin"},
                    {"Sec-Fetch-Site": "none"}):
        assert client.get(route, headers=headers).status_code == 404, headers
    # light GETs stay readable (the answers carry no CORS header, so no page reads them)
    assert client.get("/api/health", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


@pytest.mark.parametrize("route", ["/", "/stress", "/static/app.js", "/api/health",
                                   "/api/no-such-route", "/openapi.json"])
def test_security_headers_on_every_answer(client: TestClient, route: str) -> None:
    resp = client.get(route)
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # scripts fall back to 'self': no inline script, no eval
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["x-frame-options"] == "DENY"


def test_guard_answers_carry_the_headers_too(store: Store) -> None:
    with TestClient(create_app(store=store, loopback_only_hosts=True),
                    base_url="http://127.0.0.1:8000") as c:
        resp = c.get("/api/health", headers={"Host": "evil.example"})
        assert resp.status_code == 403 and resp.headers["x-frame-options"] == "DENY"


def test_unknown_routes_answer_the_error_shape(client: TestClient) -> None:
    resp = client.get("/api/no-such-route")
    assert resp.status_code == 404 and resp.json() == {"error": "Not Found"}
    resp = client.put("/api/health")
    assert resp.status_code == 405 and "error" in resp.json() and resp.headers["allow"] == "GET"


# -- cancelling jobs --------------------------------------------------------------------------
class Reporter:
    """Job bodies that report progress every 10 ms until ``release`` is set (at most 10 s)."""

    def __init__(self) -> None:
        self.started, self.release, self.ran = threading.Event(), threading.Event(), []

    def body(self, name: str):
        def run(progress) -> str:
            self.ran.append(name)
            self.started.set()
            deadline = time.monotonic() + 10
            while not self.release.is_set() and time.monotonic() < deadline:
                progress(0.5)
                time.sleep(0.01)
            return name

        return run


def test_job_manager_cancels_queued_running_and_leaves_finished_jobs() -> None:
    jobs, work = JobManager(max_running=1, max_queued=2), Reporter()
    running = jobs.submit("t", work.body("running"))
    assert work.started.wait(10)
    queued = jobs.submit("t", work.body("queued"))
    assert jobs.cancel(queued.id).status == "cancelled"  # at once
    assert jobs.cancel(running.id).cancel_requested
    running.future.result(5)  # at its next progress report, not after 10 s
    assert running.status == "cancelled" and running.error["type"] == "JobCancelled"
    done = jobs.submit("t", lambda progress: "ok")
    done.future.result(5)
    assert jobs.cancel(done.id).status == "done" and done.result == "ok"
    assert work.ran == ["running"]  # the queued one never started
    jobs.shutdown()


def test_delete_cancels_a_stress_run_and_saves_nothing() -> None:
    from friendshore import runs as saved_runs

    before = len(saved_runs())
    body = {"scenario": "china-rare-earth-ban", "draws": 100_000, "seed": 1, "save": True}
    with TestClient(create_app()) as client:  # the session's store: its network is cached
        job_id = client.post("/api/stress", json=body).json()["job"]
        job = client.app.state.jobs.get(job_id)
        deadline = time.monotonic() + 120
        while job.progress == 0 and time.monotonic() < deadline:  # the engine is under way
            time.sleep(0.05)
        resp = client.delete(f"/api/jobs/{job_id}")
        asked = time.monotonic()
        assert resp.status_code == 202 and resp.json()["cancel_requested"], resp.text
        job.future.result(60)
        assert time.monotonic() - asked < 5  # a whole run takes 15 s on this machine, idle
        assert client.get(f"/api/jobs/{job_id}").json()["status"] == "cancelled"
        assert 0 < job.progress < 1
        assert client.delete(f"/api/jobs/{job_id}").status_code == 200  # still cancelled
        assert client.delete("/api/jobs/no-such-job").status_code == 404
    assert len(saved_runs()) == before


def test_delete_a_queued_job_a_waited_for_one_and_a_finished_one(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    work = Reporter()
    monkeypatch.setattr(web_app, "stress_with_distributions",
                        lambda scenario, *, progress, **kw: work.body(scenario.name)(progress))
    app = create_app(store=store, limits=Limits(max_running=1))
    with TestClient(app) as c:
        first = c.post("/api/stress", json={"scenario": "hormuz-closure"}).json()["job"]
        assert work.started.wait(10)
        second = c.post("/api/stress", json={"scenario": "sakhalin-cutoff"}).json()["job"]
        waited: dict[str, httpx.Response] = {}
        waiter = threading.Thread(target=lambda: waited.update(resp=c.post(
            "/api/stress", json={"scenario": "china-rare-earth-ban", "wait": True})))
        waiter.start()
        while len(app.state.jobs.list()) < 3:
            time.sleep(0.01)
        third = app.state.jobs.list()[0].id
        resp = c.delete(f"/api/jobs/{second}")
        assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
        assert c.delete(f"/api/jobs/{third}").status_code == 200
        waiter.join(10)
        assert waited["resp"].status_code == 409  # the request waiting for it ends too
        assert "cancelled" in waited["resp"].json()["error"]
        assert c.delete(f"/api/jobs/{first}").status_code == 202
        app.state.jobs.get(first).future.result(5)
        assert c.get(f"/api/jobs/{first}").json()["status"] == "cancelled"
        work.release.set()
        done = c.post("/api/stress", json={"scenario": "hormuz-closure", "wait": True})
        assert done.status_code == 200
        finished = app.state.jobs.list()[0].id
        resp = c.delete(f"/api/jobs/{finished}")
        assert resp.status_code == 409 and resp.json()["status"] == "done"
    assert work.ran == ["hormuz-closure", "hormuz-closure"]


# -- shutdown -----------------------------------------------------------------------------------
def test_sigterm_cancels_queued_jobs_keeps_saved_runs_and_exits_within_10_s(
        built_store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "friendshore.duckdb"
    shutil.copy(built_store_path, path)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "FRIENDSHORE_STORE": str(path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from friendshore.cli import main; main()", "serve",
         "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        small = {"scenario": "china-rare-earth-ban", "draws": 100, "seed": 1, "save": True}
        saved = httpx.post(f"{url}/api/stress", json={**small, "wait": True}, timeout=120)
        assert saved.status_code == 200, saved.text
        big = {**small, "draws": 100_000}
        waiting = threading.Thread(target=lambda: httpx.post(  # a request open at the SIGTERM
            f"{url}/api/stress", json={**big, "wait": True}, timeout=60), daemon=True)
        waiting.start()
        for _ in range(4):
            assert httpx.post(f"{url}/api/stress", json=big, timeout=30).status_code == 202
        states = [j["status"] for j in httpx.get(f"{url}/api/jobs", timeout=30).json()]
        assert states.count("queued") == 3 and states.count("running") == 2, states
        proc.send_signal(signal.SIGTERM)
        start = time.monotonic()
        proc.wait(15)
        elapsed = time.monotonic() - start
        log = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert elapsed < 10, (elapsed, log[-2000:])
    assert "cancelled 3 queued job(s)" in log, log[-2000:]
    with Store(path) as store:
        runs = store.list_runs()
    assert saved.json()["run_id"] in set(runs["id"])
    assert len(runs) <= 1 + 2  # the queued runs never ran; the running ones were cancelled


def test_a_year_past_int32_is_a_clear_error_not_a_crash() -> None:
    from friendshore import risk
    from friendshore.errors import FriendshoreError

    with pytest.raises(FriendshoreError, match="years with data"):  # DuckDB used to overflow
        risk(year=10**20)
