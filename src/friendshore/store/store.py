"""DuckDB connection, first-use build from the shipped data, transactional loads and run saves.

The default file lives in the user data directory; ``FRIENDSHORE_STORE`` (a file path) or the
CLI's ``--store`` flag override it. A new store is built into a temporary file and moved into
place only when complete, so an interrupted first build never leaves a half-built store.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import platformdirs

from .. import __version__
from ..errors import StoreError, UnknownNameError
from ..results import jsonable

__all__ = ["Store", "default_store_path", "open_store"]

#: Bump when the schema or the shipped data change: older stores are rebuilt on open.
SCHEMA_VERSION = "6"  # 6: ingest_warnings (plausibility checks on ingest)


def default_store_path() -> Path:
    """``$FRIENDSHORE_STORE`` if set, else ``friendshore.duckdb`` in the user data directory."""
    env = os.environ.get("FRIENDSHORE_STORE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("friendshore")) / "friendshore.duckdb"


def _schema_sql() -> list[str]:
    folder = resources.files("friendshore") / "store" / "schema"
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)
    return [p.read_text(encoding="utf-8") for p in files]


def _build_tag() -> str:
    return f"{SCHEMA_VERSION}:{__version__}"


class Store:
    """An open friendshore store: run SQL (from ``queries``), load sources, save runs.

    ``Store(":memory:")`` gives a private in-memory store, built from the shipped data, for
    tests and one-off scripts. ``build=False`` skips the first-use build (an empty schema).
    """

    def __init__(self, path: str | Path | None = None, *, build: bool = True) -> None:
        self.path = ":memory:" if path == ":memory:" else Path(path or default_store_path())
        self._lock = threading.RLock()
        self._in_transaction = False
        if self.path == ":memory:":
            self.con = duckdb.connect(":memory:")
            self._init_schema()
            if build:
                self._build_into(self)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if build and not self._is_current(self.path):
            self._build_file(self.path)
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        self._init_schema()

    # -- building ---------------------------------------------------------------------------
    @staticmethod
    def _is_current(path: Path) -> bool:
        if not path.exists():
            return False
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'build'").fetchone()
        except duckdb.Error:
            row = None
        finally:
            con.close()
        return row is not None and row[0] == _build_tag()

    def _build_file(self, path: Path) -> None:
        """Build a complete store next to ``path`` and move it into place atomically.

        Saved runs of an older store at ``path`` are carried over into the new one.
        """
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            fresh = Store(tmp, build=False)
            try:
                self._build_into(fresh)
                if path.exists():
                    fresh._copy_runs_from(path)
            finally:
                fresh.close()
            os.replace(tmp, path)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)

    @staticmethod
    def _build_into(store: Store) -> None:
        from ..readers.registry import load_shipped

        with store.transaction():
            load_shipped(store)
            store.con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('build', ?)", [_build_tag()]
            )

    def _copy_runs_from(self, old: Path) -> None:
        """Carry the saved runs of the store at ``old`` into this one. DuckDB takes no
        parameter in ATTACH, so the path is written as an SQL string literal with its quotes
        doubled (a path holding an apostrophe used to fail here and lose the runs)."""
        literal = "'" + str(old).replace("'", "''") + "'"
        try:
            self.con.execute(f"ATTACH {literal} AS old (READ_ONLY)")
            self.con.execute("INSERT OR IGNORE INTO runs SELECT * FROM old.runs")
        except duckdb.Error:
            return  # an unreadable old store has no runs to keep
        finally:
            with suppress(duckdb.Error):
                self.con.execute("DETACH old")

    def _init_schema(self) -> None:
        for sql in _schema_sql():
            self.con.execute(sql)

    # -- SQL --------------------------------------------------------------------------------
    def query(self, sql: str, params: list[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run ``sql`` (from a ``queries`` module) and return a DataFrame. Inside
        :meth:`transaction` it runs on the transaction's connection, so it sees its writes (a
        cursor is a connection of its own)."""
        with self._lock:
            if self._in_transaction:
                return self.con.execute(sql, params or []).df()
            cur = self.con.cursor()
            try:
                return cur.execute(sql, params or []).df()
            finally:
                cur.close()

    def execute(self, sql: str, params: list[Any] | Mapping[str, Any] | None = None) -> None:
        """Run a statement that returns nothing."""
        with self._lock:
            self.con.execute(sql, params or [])

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All or nothing: statements inside commit together or not at all."""
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            self._in_transaction = True
            try:
                yield self
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            else:
                self.con.execute("COMMIT")
            finally:
                self._in_transaction = False

    def replace_source(
        self,
        source: str,
        kind: str,
        tables: Mapping[str, pd.DataFrame],
        *,
        edition: str | None = None,
        path: str | None = None,
        years: tuple[int | None, int | None] = (None, None),
    ) -> int:
        """Replace every row of ``source`` in ``tables`` with the given frames (caller holds a
        transaction). Each table has a ``source`` column. Returns the number of data rows
        loaded (the ``ingest_warnings`` about them not counted)."""
        total = 0
        for table, frame in tables.items():
            self.con.execute(f'DELETE FROM "{table}" WHERE source = ?', [source])
            if len(frame):
                frame = frame.assign(source=source)
                cols = ", ".join(f'"{c}"' for c in frame.columns)
                self.con.register("_incoming", frame)
                try:
                    self.con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _incoming')
                finally:
                    self.con.unregister("_incoming")
            total += len(frame) if table != "ingest_warnings" else 0
        self.con.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [source, kind, edition, path, years[0], years[1], total, datetime.now(UTC)],
        )
        return total

    # -- saved runs -------------------------------------------------------------------------
    def save_run(
        self,
        kind: str,
        name: str,
        inputs: Mapping[str, Any],
        outputs: Mapping[str, Any],
        seed: int | None = None,
    ) -> str:
        """Save one run (inputs, seed, outputs) in a single transaction; returns its id."""
        run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        with self.transaction():
            self.con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id, kind, name, datetime.now(UTC), __version__, seed,
                    json.dumps(jsonable(inputs)),
                    json.dumps(jsonable(outputs)),
                ],
            )
        return run_id

    def list_runs(self, kind: str | None = None) -> pd.DataFrame:
        """Saved runs, newest first, without their bulky inputs and outputs."""
        sql = "SELECT id, kind, name, created_at, version, seed FROM runs"
        params: list[Any] = []
        if kind:
            sql += " WHERE kind = ?"
            params.append(kind)
        return self.query(sql + " ORDER BY created_at DESC, id DESC", params)

    def get_run(self, run_id: str) -> dict[str, Any]:
        """One saved run with its inputs and outputs decoded."""
        df = self.query("SELECT * FROM runs WHERE id = ?", [run_id])
        if df.empty:
            ids = self.query("SELECT id FROM runs")["id"].tolist()
            raise UnknownNameError("run", run_id, ids)
        row = df.iloc[0].to_dict()
        row["inputs"] = json.loads(row["inputs"])
        row["outputs"] = json.loads(row["outputs"])
        row["created_at"] = str(row["created_at"])
        return row

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()



_shared: dict[str, Store] = {}
_shared_lock = threading.Lock()


def open_store(path: str | Path | None = None) -> Store:
    """The process-wide store for ``path`` (default path when None), opened once and reused."""
    key = str(path or default_store_path())
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Store(key if path != ":memory:" else ":memory:")
        return _shared[key]
