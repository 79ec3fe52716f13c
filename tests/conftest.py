"""Shared fixtures: one store built from the shipped data per test session, in a temp dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from friendshore.store import Store


@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a store built once from the shipped data (read it, don't write it)."""
    path = tmp_path_factory.mktemp("store") / "friendshore.duckdb"
    Store(path).close()
    return path


@pytest.fixture(scope="session", autouse=True)
def _isolated_default_store(
    built_store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Point FRIENDSHORE_STORE at a session copy so no test touches the user's store."""
    target = tmp_path_factory.mktemp("default") / "friendshore.duckdb"
    shutil.copy(built_store_path, target)
    mp = pytest.MonkeyPatch()
    mp.setenv("FRIENDSHORE_STORE", str(target))
    yield
    mp.undo()


@pytest.fixture()
def store(built_store_path: Path, tmp_path: Path) -> Store:
    """A private, writable copy of the built store."""
    path = tmp_path / "friendshore.duckdb"
    shutil.copy(built_store_path, path)
    with Store(path) as s:
        yield s


@pytest.fixture(scope="module")
def network(built_store_path: Path):
    """The supply network built from the session store (read-only; one per test module)."""
    from friendshore.network.build import build_network  # layer module: import on use

    with Store(built_store_path) as s:
        yield build_network(s)


@pytest.fixture(scope="session")
def risk_table():
    """``friendshore.risk()`` over the session store, computed once (read it, don't edit it)."""
    from friendshore import risk

    return risk()
