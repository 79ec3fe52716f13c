"""DuckDB connection, first-use build from the shipped data, transactional loads and run saves.

The default file lives in the user data directory; ``FRIENDSHORE_STORE`` (a file path) or the
CLI's ``--store`` flag override it. A new store is built into a temporary file and moved into
place only when complete, so an interrupted first build never leaves a half-built store; the
temporary files an interrupted build left behind are removed on the next start (unless a build
in another process still holds them). A rebuild that fails keeps the old store as it was.

Several processes share one store file (``friendshore serve``, the CLI, a notebook). DuckDB
lets a file be open read-only in many processes at once, or read-write in one process alone,
so a store reads through a read-only connection opened on demand and closed after
:data:`~friendshore.limits.STORE_IDLE_CLOSE_S` without a query, and writes (ingest, saved
runs, the build) through a read-write connection held only for that one transaction. Opening
either waits up to :data:`~friendshore.limits.STORE_LOCK_WAIT_S`, retrying with backoff, then
fails naming the process that holds the file.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import threading
import time
import uuid
import weakref
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
from ..limits import STORE_IDLE_CLOSE_S, STORE_LOCK_WAIT_S
from ..progress import BUILD_PROGRESS
from ..results import jsonable

__all__ = ["Store", "default_store_path", "open_store"]

#: Bump when the schema or the shipped data change: older stores are rebuilt on open.
SCHEMA_VERSION = "6"  # 6: ingest_warnings (plausibility checks on ingest)

#: DuckDB's words for a file another connection holds (another process's lock, or this
#: process's connection opened in the other mode), and for the holding process.
_LOCKED = re.compile(r"Could not set lock|Conflicting lock|different configuration")
_HOLDER = re.compile(r"Conflicting lock is held in (?P<exe>.*?) \(PID (?P<pid>\d+)\)")

#: Temporary build files of this process still being built (the cleanup leaves them alone).
_building: set[Path] = set()

#: Every store of this process, closed at exit before the interpreter stops the idle-closer
#: threads (a thread stopped inside DuckDB's C++ code aborts the process).
_open_stores: weakref.WeakSet[Store] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for store in list(_open_stores):
        store.close()


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


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open ``path``, waiting with backoff while another connection holds it; past
    :data:`STORE_LOCK_WAIT_S` a :class:`StoreError` names the holder and the ways out."""
    deadline = time.monotonic() + STORE_LOCK_WAIT_S
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            if not _LOCKED.search(str(exc)):
                raise StoreError(f"cannot open store {path}: {exc}") from exc
            if time.monotonic() + delay > deadline:
                held = _HOLDER.search(str(exc))
                holder = (f"process {held['pid']} ({held['exe']})" if held
                          else "another connection of this process")
                raise StoreError(
                    f"store {path} is held by {holder} and stayed locked for "
                    f"{STORE_LOCK_WAIT_S:g} s while this process tried to "
                    f"{'read' if read_only else 'write'} it: stop that process (e.g. "
                    "`friendshore serve`) or retry when it is idle, or use another store "
                    "with --store"
                ) from exc
            time.sleep(delay)
            delay = min(2 * delay, 0.5)


def _clean_leftovers(path: Path) -> None:
    """Remove the temporary files of interrupted builds of ``path`` (``.NAME.<hex>.tmp`` and
    its ``.wal``), except those a build still holds: this process's, or any another process
    has locked (DuckDB locks the file it writes with ``fcntl``)."""
    try:
        import fcntl
    except ImportError:  # no fcntl (Windows): leftovers are kept rather than risk a live build
        return
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        if tmp in _building:
            continue
        try:
            with open(tmp, "rb+") as fh:
                fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # held by a build in another process (or already gone)
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    for wal in path.parent.glob(f".{path.name}.*.tmp.wal"):
        if not wal.with_name(wal.name.removesuffix(".wal")).exists():
            wal.unlink(missing_ok=True)


class Store:
    """An open friendshore store: run SQL (from ``queries``), load sources, save runs.

    ``Store(":memory:")`` gives a private in-memory store, built from the shipped data, for
    tests and one-off scripts. ``build=False`` skips the first-use build (an empty schema).
    A file store holds no connection while idle (see the module docstring).
    """

    def __init__(self, path: str | Path | None = None, *, build: bool = True) -> None:
        self.path = ":memory:" if path == ":memory:" else Path(path or default_store_path())
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._writing = False  # a read-write connection is open (a write session)
        self._in_transaction = False
        self._closed = False
        self._last_use = 0.0
        self._closer: threading.Thread | None = None
        _open_stores.add(self)
        if self.path == ":memory:":
            self._con = duckdb.connect(":memory:")
            self._init_schema()
            if build:
                self._build_into(self)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _clean_leftovers(self.path)
        if build and not self._is_current(self.path):
            self._build_file(self.path)
        if not build:
            with self._write_session():
                self._init_schema()

    # -- connections ------------------------------------------------------------------------
    def _connection(self) -> duckdb.DuckDBPyConnection:
        """The connection SQL runs on (caller holds ``_lock``): the write session's, else the
        read-only one, opened now if closed and closed again when idle."""
        if self._con is None:
            if self._closed:
                raise StoreError(f"store {self.path} is closed")
            self._con = _connect(self.path, read_only=True)
            self._closer = threading.Thread(target=self._close_when_idle, daemon=True,
                                            name="friendshore-store-idle")
            self._closer.start()
        self._last_use = time.monotonic()
        return self._con

    def _close_when_idle(self) -> None:
        """Close the read-only connection once no query used it for STORE_IDLE_CLOSE_S, so
        that other processes may write (runs in a thread of its own per opened connection)."""
        while True:
            with self._lock:
                if self._con is None or self._writing:
                    return
                idle = time.monotonic() - self._last_use
                if idle >= STORE_IDLE_CLOSE_S:
                    self._con.close()
                    self._con = None
                    return
            time.sleep(STORE_IDLE_CLOSE_S - idle)

    @contextmanager
    def _write_session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection for the duration of the block (re-entrant): the read-only
        one is closed first (DuckDB opens a file in one mode per process) and this one is
        closed after, so no process holds the store for writing longer than it writes."""
        with self._lock:
            if self._writing or self.path == ":memory:":
                yield self._con
                return
            if self._closed:
                raise StoreError(f"store {self.path} is closed")
            if self._con is not None:
                self._con.close()
                self._con = None
            self._con = _connect(self.path, read_only=False)
            self._writing = True
            try:
                yield self._con
            finally:
                self._writing = False
                con, self._con = self._con, None
                con.close()

    # -- building ---------------------------------------------------------------------------
    @staticmethod
    def _is_current(path: Path) -> bool:
        if not path.exists():
            return False
        con = _connect(path, read_only=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'build'").fetchone()
        except duckdb.Error:
            row = None
        finally:
            con.close()
        return row is not None and row[0] == _build_tag()

    def _build_file(self, path: Path) -> None:
        """Build a complete store next to ``path`` and move it into place atomically.

        Saved runs of an older store at ``path`` are carried over into the new one; if the
        build or that copy fails, the old store is left exactly as it was and the error says
        so."""
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        _building.add(tmp)
        try:
            fresh = Store(tmp, build=False)
            try:
                with fresh._write_session():  # one connection: the file stays locked
                    self._build_into(fresh)
                    if path.exists():
                        fresh._copy_runs_from(path)
            finally:
                fresh.close()
            os.replace(tmp, path)
        except Exception as exc:
            if path.exists():
                raise StoreError(
                    f"rebuilding store {path} for friendshore {__version__} failed, so the "
                    f"old store is kept as it was, with its saved runs: {exc}"
                ) from exc
            raise StoreError(f"building store {path} failed: {exc}") from exc
        finally:
            _building.discard(tmp)
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)

    @staticmethod
    def _build_into(store: Store) -> None:
        from ..readers.registry import load_shipped

        with store.transaction():
            load_shipped(store, BUILD_PROGRESS.get())
            store.execute("INSERT OR REPLACE INTO meta VALUES ('build', ?)", [_build_tag()])

    def _copy_runs_from(self, old: Path) -> None:
        """Carry the saved runs of the store at ``old`` into this one; a failure is raised
        (never swallowed: the runs would be lost with the old store). DuckDB takes no
        parameter in ATTACH, so the path is written as an SQL string literal with its quotes
        doubled (a path holding an apostrophe used to fail here and lose the runs)."""
        literal = "'" + str(old).replace("'", "''") + "'"
        with self._write_session() as con:
            con.execute(f"ATTACH {literal} AS old (READ_ONLY)")
            try:
                has_runs = con.execute(
                    "SELECT count(*) FROM duckdb_tables() "
                    "WHERE database_name = 'old' AND table_name = 'runs'"
                ).fetchone()[0]
                if has_runs:  # a store from before saved runs existed has none to keep
                    con.execute("INSERT OR IGNORE INTO runs SELECT * FROM old.runs")
            finally:
                with suppress(duckdb.Error):
                    con.execute("DETACH old")

    def _init_schema(self) -> None:
        for sql in _schema_sql():
            self._con.execute(sql)

    # -- SQL --------------------------------------------------------------------------------
    def query(self, sql: str, params: list[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run ``sql`` (from a ``queries`` module) and return a DataFrame. Inside
        :meth:`transaction` it runs on the transaction's connection, so it sees its writes (a
        cursor is a connection of its own)."""
        with self._lock:
            con = self._connection()
            if self._in_transaction:
                return con.execute(sql, params or []).df()
            cur = con.cursor()
            try:
                return cur.execute(sql, params or []).df()
            finally:
                cur.close()

    def execute(self, sql: str, params: list[Any] | Mapping[str, Any] | None = None) -> None:
        """Run a statement that returns nothing (a write: in the open transaction, else in a
        transaction of its own)."""
        with self._lock:
            if self._in_transaction:
                self._con.execute(sql, params or [])
                return
            with self.transaction():
                self._con.execute(sql, params or [])

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All or nothing: statements inside commit together or not at all, on a read-write
        connection held only for the block (other processes wait for it, see ``_connect``)."""
        with self._lock, self._write_session() as con:
            con.execute("BEGIN TRANSACTION")
            self._in_transaction = True
            try:
                yield self
            except BaseException:
                con.execute("ROLLBACK")
                raise
            else:
                con.execute("COMMIT")
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
        if not self._in_transaction:
            raise StoreError("replace_source runs inside Store.transaction()")
        con = self._con
        total = 0
        for table, frame in tables.items():
            con.execute(f'DELETE FROM "{table}" WHERE source = ?', [source])
            if len(frame):
                frame = frame.assign(source=source)
                cols = ", ".join(f'"{c}"' for c in frame.columns)
                con.register("_incoming", frame)
                try:
                    con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _incoming')
                finally:
                    con.unregister("_incoming")
            total += len(frame) if table != "ingest_warnings" else 0
        con.execute(
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
            self.execute(
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
        """Close the connection (if open); the store cannot be used after."""
        with self._lock:
            self._closed = True
            if self._con is not None:
                self._con.close()
                self._con = None

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
