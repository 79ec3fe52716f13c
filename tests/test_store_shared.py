"""A store several processes share (issue 13 item 2): while ``friendshore serve`` runs on a
store, the CLI reads it and saves runs into it, and the server sees them; a store another
process keeps locked fails after a bounded wait naming that process and the ways out.

DuckDB lets a file be open read-only by many processes or read-write by one, so before the
fix every CLI command failed with ``Could not set lock on file`` while the server ran.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from friendshore.errors import StoreError
from friendshore.store import Store
from friendshore.store import store as store_module
from live_server import ROOT, live_server

SCENARIO = "china-gallium-germanium-ban"


def _cli(store: Path, *argv: str) -> subprocess.CompletedProcess:
    """``friendshore ARGV`` in a process of its own on ``store``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "FRIENDSHORE_STORE": str(store)}
    return subprocess.run([sys.executable, "-c", "from friendshore.cli import main; main()",
                           *argv], env=env, capture_output=True, text=True, timeout=600)


def test_cli_reads_and_saves_a_run_while_the_server_runs(built_store_path: Path,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "shared.duckdb"
    shutil.copy(built_store_path, path)
    with live_server(path) as (url, proc):
        assert httpx.get(f"{url}/api/supply/gallium", timeout=120).status_code == 200
        supply = _cli(path, "supply", "gallium", "--json")
        assert supply.returncode == 0, supply.stderr[-2000:]
        assert "CHN" in {row["country"] for row in json.loads(supply.stdout)}
        risk = _cli(path, "risk", "gallium", "--json")
        assert risk.returncode == 0, risk.stderr[-2000:]
        saved = _cli(path, "stress", SCENARIO, "--draws", "50", "--seed", "1", "--save",
                     "--json")
        assert saved.returncode == 0, saved.stderr[-2000:]
        run_id = json.loads(saved.stdout)["run_id"]
        assert run_id in {r["id"] for r in httpx.get(f"{url}/api/runs", timeout=60).json()}
        served = httpx.post(f"{url}/api/stress", json={"scenario": SCENARIO, "draws": 50,
                                                       "seed": 2, "save": True, "wait": True},
                            timeout=300)
        assert served.status_code == 200, served.text[:500]
        listed = _cli(path, "runs", "list", "--json")
        assert listed.returncode == 0, listed.stderr[-2000:]
        assert {run_id, served.json()["run_id"]} <= {r["id"] for r in json.loads(listed.stdout)}
        assert proc.poll() is None


def test_a_store_kept_locked_names_the_holder(built_store_path: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "held.duckdb"
    shutil.copy(built_store_path, path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setattr(store_module, "STORE_LOCK_WAIT_S", 0.5)
        with pytest.raises(StoreError, match=rf"held by process {holder.pid} .*stayed locked "
                                             r"for 0\.5 s.*friendshore serve.*retry"):
            Store(path)
    finally:
        holder.kill()
        holder.wait()
    store = Store(path)  # once the holder is gone the same store opens and writes
    try:
        run_id = store.save_run("stress", "after", {}, {}, seed=1)
        assert run_id in set(store.list_runs()["id"])
    finally:
        store.close()
