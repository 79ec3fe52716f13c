"""A rebuild of the store keeps its saved runs, whatever characters its path holds (issue 14
item 8: ``ATTACH '{old}'`` built by string formatting lost every run under a path with an
apostrophe); a rebuild that fails keeps the old store and says so; the temporary files of an
interrupted build are removed on the next start, those of a live build are not."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from friendshore.errors import StoreError
from friendshore.store import Store


def test_rebuild_keeps_saved_runs_under_a_path_with_an_apostrophe(tmp_path: Path) -> None:
    path = tmp_path / "o'brien's data" / "store.duckdb"
    store = Store(path)
    run_id = store.save_run("stress", "kept", {"scenario": "x"}, {"countries": {}}, seed=7)
    store.close()
    _stale(path)
    again = Store(path)
    try:
        runs = again.list_runs()
        assert run_id in set(runs["id"])
        assert again.query("SELECT value FROM meta WHERE key = 'build'").iloc[0, 0] != "stale"
    finally:
        again.close()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def _stale(path: Path) -> None:
    """Mark the store at ``path`` as built by another version: the next open rebuilds it."""
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = 'stale' WHERE key = 'build'")
    con.close()


def test_failed_rebuild_keeps_the_old_store_and_says_so(tmp_path: Path) -> None:
    """The saved runs cannot be carried over (their table has another shape): the rebuild must
    fail loudly and leave the old file as it was, not swallow the error and drop the runs."""
    path = tmp_path / "store.duckdb"
    store = Store(path)
    run_id = store.save_run("stress", "kept", {"scenario": "x"}, {"countries": {}}, seed=7)
    store.close()
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE runs ADD COLUMN extra INTEGER")
    con.close()
    _stale(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StoreError, match=r"rebuilding store .* failed, so the old store is kept"):
        Store(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT id FROM runs").fetchall() == [(run_id,)]
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.duckdb"]


def test_temp_files_of_an_interrupted_build_are_removed_on_next_start(tmp_path: Path,
                                                                      built_store_path: Path
                                                                      ) -> None:
    path = tmp_path / "store.duckdb"
    shutil.copy(built_store_path, path)
    left = [tmp_path / ".store.duckdb.0123abcd.tmp", tmp_path / ".store.duckdb.0123abcd.tmp.wal",
            tmp_path / ".store.duckdb.99.tmp.wal"]
    for p in left:
        p.write_bytes(b"half a build")
    live = tmp_path / ".store.duckdb.feedbeef.tmp"  # a build running in another process
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(live)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        Store(path).close()
        assert not any(p.exists() for p in left)
        assert live.exists()
    finally:
        holder.kill()
        holder.wait()
