"""Shared plumbing of the API modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["get_store"]


def get_store(store: Store | None = None) -> Store:
    """``store`` itself, or the default store (opened once per process); the store module
    (DuckDB, pandas) is imported here, on first use, so ``import friendshore`` stays cheap."""
    if store is not None:
        return store
    from ..store import open_store

    return open_store()
