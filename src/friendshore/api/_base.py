"""Shared plumbing of the API modules."""

from __future__ import annotations

from ..store import Store, open_store

__all__ = ["get_store"]


def get_store(store: Store | None = None) -> Store:
    """``store`` itself, or the default store (opened once per process)."""
    return store if store is not None else open_store()
