"""A rebuild of the store keeps its saved runs, whatever characters its path holds (issue 14
item 8: ``ATTACH '{old}'`` built by string formatting lost every run under a path with an
apostrophe)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from friendshore.store import Store


def test_rebuild_keeps_saved_runs_under_a_path_with_an_apostrophe(tmp_path: Path) -> None:
    path = tmp_path / "o'brien's data" / "store.duckdb"
    store = Store(path)
    run_id = store.save_run("stress", "kept", {"scenario": "x"}, {"countries": {}}, seed=7)
    store.close()
    con = duckdb.connect(str(path))        # make the build stale: the next open rebuilds
    con.execute("UPDATE meta SET value = 'stale' WHERE key = 'build'")
    con.close()
    again = Store(path)
    try:
        runs = again.list_runs()
        assert run_id in set(runs["id"])
        assert again.query("SELECT value FROM meta WHERE key = 'build'").iloc[0, 0] != "stale"
    finally:
        again.close()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
