"""Concurrent heavy work (issue 14 item 1): no shared mutable solver state between threads.

scipy's ``lu_solve`` (LAPACK ``getrs`` through f2py) shifts the pivot array to 1-based in
place for the call and back afterwards, so two threads solving with the same cached factors
corrupt each other's pivots and the heap (``double free or corruption``). These tests run in
a child process, because the failure is an abort, not an exception.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

from friendshore.iomodel import iomath
from live_server import live_server

ROOT = Path(__file__).resolve().parents[1]


def _child(code: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_solves_on_shared_factors_from_8_threads_agree_with_one_thread() -> None:
    proc = _child("""
        import threading
        import numpy as np
        from friendshore.iomodel import iomath
        rng = np.random.default_rng(0)
        n = 300
        lu = iomath.factor(rng.random((n, n)) / (2 * n))
        rhs = rng.random((n, 4))
        want, want_t = iomath.solve(lu, rhs), iomath.solve_T(lu, rhs)
        bad = []
        def work():
            for _ in range(150):
                if not np.allclose(iomath.solve(lu, rhs), want):
                    bad.append("solve")
                if not np.allclose(iomath.solve_T(lu, rhs), want_t):
                    bad.append("solve_T")
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("wrong", len(bad))
    """)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "wrong 0" in proc.stdout


def test_solve_leaves_the_cached_factors_unchanged() -> None:
    rng = np.random.default_rng(1)
    lu = iomath.factor(rng.random((20, 20)) / 40)
    before = lu.lu.copy(), lu.piv.copy()
    iomath.solve(lu, rng.random(20))
    iomath.solve_T(lu, rng.random((20, 3)))
    assert np.array_equal(lu.lu, before[0]) and np.array_equal(lu.piv, before[1])
    assert not lu.lu.flags.writeable and not lu.piv.flags.writeable


def test_plan_appraise_and_ripple_from_8_threads(built_store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "friendshore.duckdb"
    shutil.copy(built_store_path, path)
    proc = _child(f"""
        from concurrent.futures import ThreadPoolExecutor
        import json
        import friendshore as fs
        from friendshore.results import jsonable
        from friendshore.store import Store
        store = Store({str(path)!r})
        pid = fs.projects()[0]["id"]
        jobs = [
            lambda: fs.plan(None, 20e9, ["china-rare-earth-ban"], draws=20, seed=1, store=store),
            lambda: fs.appraise(pid, draws=20, seed=2, scenarios=["hormuz-closure"], store=store),
            lambda: fs.ripple("USA", "331", 1e9),
            lambda: fs.ripple("JPN", "35", 1e9, level=37),
        ] * 2
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(j) for j in jobs]
            results = [json.dumps(jsonable(f.result()), sort_keys=True) for f in futures]
        assert results[0] == results[4] and results[2] == results[6], "threads disagree"
        print("ok", len(results))
    """)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "ok 8" in proc.stdout


def test_plan_appraise_and_stress_from_8_http_clients(built_store_path: Path,
                                                     tmp_path: Path) -> None:
    """Eight clients at once on a live server: every answer 200 and the server still up."""
    path = tmp_path / "friendshore.duckdb"
    shutil.copy(built_store_path, path)
    with live_server(path) as (url, proc):
        pid = httpx.get(f"{url}/api/projects", timeout=30).json()[0]["id"]
        requests = [
            ("POST", "/api/plan", {"budget": 20e9, "scenarios": ["china-rare-earth-ban"],
                                   "draws": 20, "seed": 1, "wait": True}),
            ("GET", f"/api/projects/{pid}?draws=20&seed=2&scenario=hormuz-closure", None),
            ("GET", "/api/projects/alaska-lng?draws=20&seed=3&scenario=sakhalin-cutoff", None),
            ("POST", "/api/stress", {"scenario": "china-gallium-germanium-ban", "draws": 50,
                                     "seed": 4, "wait": True}),
        ] * 2

        def send(req: tuple[str, str, dict | None]) -> tuple[int, str]:
            method, route, body = req
            r = httpx.request(method, url + route, json=body, timeout=300)
            return r.status_code, r.text

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(send, requests))
        assert proc.poll() is None, "the server died"
        assert [code for code, _ in answers] == [200] * 8, [t[:300] for _, t in answers]
        assert answers[0] == answers[4] and answers[1] == answers[5]
